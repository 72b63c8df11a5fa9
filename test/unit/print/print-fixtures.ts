import { createHash } from "node:crypto";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import type { ShareCardInput, TranscriptSummaryInput, WitnessSheetInput } from "../../../src/print/index.ts";

/**
 * Realistic fake print inputs. Everything is derived from a fixed seed, so a failing render can be
 * reproduced byte for byte; none of it is a real share or key.
 */

/** Deterministic bytes: SHA-256(seed ‖ counter) blocks. */
export function fakeBytes(seed: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash("sha256").update(`${seed}/${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

export function fakeHex(seed: string, bytes: number): string {
  return fakeBytes(seed, bytes).toString("hex");
}

/** `count` BIP-39 English words chosen from the seed. */
export function fakeWords(seed: string, count: number): string[] {
  const bytes = fakeBytes(seed, count * 2);
  return Array.from({ length: count }, (_, i) => wordlist[bytes.readUInt16BE(i * 2) % wordlist.length] as string);
}

export const HOLDERS = [
  { name: "Amara Okonkwo-Castellanos", role: "Share holder", organisation: "Treasury Operations" },
  { name: "Bjørn Łukasiewicz", role: "Share holder", organisation: "Information Security" },
  { name: "Chen Wei", role: "Share holder, deputy CISO", organisation: "Risk & Compliance" },
  { name: "Dolores Fitzgerald-Abernathy", role: "Share holder", organisation: "External Audit (Hartley & Moss LLP)" },
  { name: "Émile Zoë Durand", role: "Share holder", organisation: "Legal" },
] as const;

export const CEREMONY_ID = "CW-2025-06-KEK-01";
export const CEREMONY_DATE = "2025-06-03T09:41:00Z";

/** The card for share `index` of a 3-of-5 set over one wrapped key. */
export function fakeShareCard(index: number, options: { rehearsal?: boolean; wordCount?: number } = {}): ShareCardInput {
  const holder = HOLDERS[(index - 1) % HOLDERS.length] as (typeof HOLDERS)[number];
  const words = fakeWords(`share-${index}`, options.wordCount ?? 30);
  return {
    rehearsal: options.rehearsal ?? false,
    ceremonyId: CEREMONY_ID,
    ceremonyDate: CEREMONY_DATE,
    keyLabel: "payments-kek-2025",
    kcvEcb0: "f29000",
    kcvCmac: "377822c093",
    holder: { ...holder },
    share: {
      index,
      k: 3,
      n: 5,
      setId: fakeHex("set", 8),
      words,
      qrText: `CWS1:${words.join(" ")}`,
      fingerprint: fakeHex(`fingerprint-${index}`, 32),
    },
    wrappedKey: { hex: fakeHex("wrapped", 40), sha256: fakeHex("wrapped-digest", 32) },
    bundleSigner: { fingerprint: fakeHex("signer", 32) },
  };
}

export const PARTICIPANTS = [
  { id: "officer", name: "Rosa Delgado", role: "Crypto officer", organisation: "Information Security" },
  { id: "admin", name: "Tomasz Wiśniewski", role: "Ceremony administrator", organisation: "Platform Engineering" },
  { id: "witness-1", name: "Margaret O'Sullivan-Hargreaves", role: "Witness", organisation: "Internal Audit" },
  { id: "witness-2", name: "Kwame Mensah", role: "Witness", organisation: "Risk & Compliance" },
  { id: "auditor", name: "Ingrid Solberg", role: "External auditor", organisation: "Hartley & Moss LLP" },
] as const;

const STEP_TITLES = [
  "Confirm the workstation is air-gapped: no network interface is up",
  "Open the tamper-evident bag holding the HSM and compare its number with the ceremony log",
  "Sign in participants and check photo identification",
  "Initialise the rehearsal token and set the officer PIN",
  "Generate the AES-256 master key (payments-kek-2025) in the HSM",
  "Read aloud KCV-ECB0 and KCV-CMAC of the master key",
  "Generate the one-time escrow key and wrap the master key under it (RFC 5649)",
  "Split the escrow key into 5 shares, 3 needed, and print one card per holder",
  "Each holder scans their card back; the workstation confirms every share decodes",
  "Seal each card in a tamper-evident bag and record the bag numbers",
  "Destroy the escrow key in the HSM and confirm it is gone",
  "Sign the transcript with the transcript-signing key and write the bundle",
];

export function fakeSteps(count: number): Array<{ number: number; title: string; witnessIds: string[] }> {
  return Array.from({ length: count }, (_, i) => ({
    number: i + 1,
    title: i < STEP_TITLES.length ? (STEP_TITLES[i] as string) : `Rehearsal check ${i + 1}: confirm the screen matches the paper script`,
    witnessIds: i % 4 === 3 ? ["witness-1", "witness-2", "auditor", "admin"] : ["witness-1", "witness-2"],
  }));
}

export function fakeWitnessSheet(options: { rehearsal?: boolean; steps?: number } = {}): WitnessSheetInput {
  return {
    rehearsal: options.rehearsal ?? false,
    ceremonyId: CEREMONY_ID,
    ceremonyDate: CEREMONY_DATE,
    title: "Master key generation and 3-of-5 escrow",
    script: { id: "master-key-escrow v3", sha256: fakeHex("script", 32) },
    participants: PARTICIPANTS.map((p) => ({ ...p })),
    steps: fakeSteps(options.steps ?? 12),
    checkpoint: { ceremonyId: CEREMONY_ID, eventCount: 187, head: fakeHex("head", 32) },
    transcriptSigner: { spkiSha256: fakeHex("signer", 32) },
  };
}

export function fakeTranscriptSummary(options: { rehearsal?: boolean; aborted?: boolean } = {}): TranscriptSummaryInput {
  const steps = fakeSteps(12).map((step, i) => ({
    number: step.number,
    title: step.title,
    outcome: options.aborted && i >= 9 ? (i === 9 ? ("failed" as const) : ("not-run" as const)) : ("completed" as const),
    performerId: i < 3 ? "admin" : "officer",
    attesterIds: options.aborted && i > 9 ? [] : step.witnessIds,
    startedAt: `2025-06-03T${String(9 + Math.floor(i / 4)).padStart(2, "0")}:${String((i * 13) % 60).padStart(2, "0")}:05Z`,
    completedAt: `2025-06-03T${String(9 + Math.floor(i / 4)).padStart(2, "0")}:${String((i * 13 + 7) % 60).padStart(2, "0")}:41Z`,
  }));
  return {
    rehearsal: options.rehearsal ?? false,
    ceremonyId: CEREMONY_ID,
    title: "Master key generation and 3-of-5 escrow",
    startedAt: CEREMONY_DATE,
    finishedAt: "2025-06-03T12:17:00Z",
    script: { id: "master-key-escrow v3", sha256: fakeHex("script", 32) },
    status: options.aborted ? "aborted" : "completed",
    abortReason: options.aborted ? "Step 10: share 4 did not decode when scanned back; the officer aborted." : undefined,
    host: { hostname: "ceremony-laptop-02", operatingSystem: "Debian GNU/Linux 12 (bookworm), x86_64", appVersion: "0.1.0", airgap: "no network interface up (checked at 09:41:12 UTC)" },
    hsm: { manufacturer: "SoftHSM project", model: "SoftHSM v2", serial: "5c1e3a9b0d2f4e71", firmwareVersion: "2.6", tokenLabel: "rehearsal-2025-06" },
    participants: PARTICIPANTS.map((p) => ({ ...p })),
    steps,
    outputs: {
      certificates: [
        { label: "root-ca-2025", subject: "CN=Example Payments Root CA 2025, O=Example Payments Ltd, C=GB", sha256: fakeHex("root-cert", 32) },
      ],
      keys: [{ label: "payments-kek-2025", kcvEcb0: "f29000", kcvCmac: "377822c093" }],
      wrappedKeys: [{ keyLabel: "payments-kek-2025", sha256: fakeHex("wrapped-digest", 32) }],
      shares: [1, 2, 3, 4, 5].map((index) => ({
        keyLabel: "payments-kek-2025",
        index,
        k: 3,
        n: 5,
        holderId: PARTICIPANTS[(index - 1) % PARTICIPANTS.length]?.id ?? "officer",
        fingerprint: fakeHex(`fingerprint-${index}`, 32),
      })),
    },
    checkpoint: { ceremonyId: CEREMONY_ID, eventCount: 187, head: fakeHex("head", 32) },
    transcriptSigner: { spkiSha256: fakeHex("signer", 32) },
  };
}

/** A witness sheet for a 9-of-16 escrow: 16 holders join the five officials, and one step needs all of them. */
export function fakeSixteenHolderWitnessSheet(): WitnessSheetInput {
  const base = fakeWitnessSheet({ steps: 14 });
  const surnames = ["Ng", "Papadopoulou-Kristiansen", "Ørsted", "Smith"];
  const holders = Array.from({ length: 16 }, (_, i) => ({
    id: `holder-${i + 1}`,
    name: `Holder ${i + 1} ${surnames[i % 4] as string}`,
    role: "Share holder",
    organisation: ["Treasury", "Security", "Legal", "Audit"][i % 4] as string,
  }));
  return {
    ...base,
    participants: [...base.participants, ...holders],
    steps: [...base.steps, { number: 15, title: "Each of the 16 holders confirms their card scans back and seals it", witnessIds: holders.map((h) => h.id) }],
  };
}
