/**
 * A complete, realistic ceremony for transcript tests: four participants, two attested steps,
 * outputs with files, signed with a node:crypto P-256 key standing in for the HSM.
 */
import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { type KeyObject, generateKeyPairSync, sign } from "node:crypto";
import type { RecordedEvent } from "../../../src/events/index.ts";
import { ChainWalker, type JournalRecord, recordJson } from "../../../src/journal/chain.ts";
import type { Signer } from "../../../src/signer.ts";
import { buildTranscript, type TranscriptInput } from "../../../src/transcript/build-transcript.ts";
import { signTranscript } from "../../../src/transcript/dsse.ts";
import { sha256Hex } from "../../../src/transcript/manifest.ts";
import { writeBundle, type BundleFile } from "../../../src/transcript/write-bundle.ts";

export const CEREMONY_ID = "c-2026-001";

export function nodeSigner(namedCurve = "prime256v1"): Signer & { privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve });
  return {
    algorithm: namedCurve === "prime256v1" ? "EC-P256" : "EC-P384",
    spki: publicKey.export({ format: "der", type: "spki" }),
    privateKey,
    publicKey,
    async sign(data, digest) {
      return sign(digest === "SHA-256" ? "sha256" : "sha384", data, { key: privateKey, dsaEncoding: "der" });
    },
  };
}

/**
 * Gives records their heads, as the journal would have stored them; a step.completed without a
 * milestone gets the head before it, as the runner writes it.
 */
export function chain(records: Array<Omit<JournalRecord, "seq" | "ceremonyId" | "time"> & Partial<JournalRecord>>): RecordedEvent[] {
  const walker = new ChainWalker();
  let previousHead = "0".repeat(64);
  return records.map((r, seq) => {
    const body = r.type === "step.completed" && !("milestone" in r.body) ? { ...r.body, milestone: previousHead.slice(0, 8) } : r.body;
    const record: JournalRecord = {
      ceremonyId: r.ceremonyId ?? CEREMONY_ID,
      seq: r.seq ?? seq,
      time: r.time ?? new Date(Date.parse("2026-03-01T09:30:00.000Z") + seq * 1000).toISOString(),
      actor: r.actor,
      type: r.type,
      body,
    };
    previousHead = walker.addRecordJson(recordJson(record)).toString("hex");
    // Typed by assertion: tests build bad events on purpose, and the code under test must catch them.
    return { ...record, head: previousHead } as RecordedEvent;
  });
}

/** The signer every fixture transcript names, unless a test passes another. */
export const FIXTURE_SIGNER = nodeSigner();

export function spkiSha256Of(signer: Signer): string {
  return sha256Hex(signer.spki);
}

export const PARTICIPANTS = [
  { id: "p-admin", name: "Grace Hopper", role: "ceremony-administrator", organisation: "Example CA" },
  { id: "p-co", name: "Ada Lovelace", role: "crypto-officer", organisation: "Example CA" },
  { id: "p-w1", name: "Alan Turing", role: "internal-witness", organisation: "Example CA" },
  { id: "p-w2", name: "Joan Clarke", role: "internal-witness", organisation: "Audit LLP" },
];

/** A real self-signed P-256 certificate (openssl req -x509), since verify parses certificate files. */
export const CERT_PEM = Buffer.from(`-----BEGIN CERTIFICATE-----
MIIBjDCCATOgAwIBAgIUfUmKQ5KlqXdJ9ZaZiOI4igdWtHswCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRRXhhbXBsZSBSb290IDIwMjYwHhcNMjYxMjAxMDQwOTQwWhcN
NDYxMTI2MDQwOTQwWjAcMRowGAYDVQQDDBFFeGFtcGxlIFJvb3QgMjAyNjBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABJBxyS+Oywb4eaABMo7v9uU1v1KJryWg3Q01
CX2UUj4WUjV9BfPok9IhJXiVa3yQKY8Pvdegew+lvxJUSkE6K+OjUzBRMB0GA1Ud
DgQWBBSXOHZ0lOxiRSaBG62/9QkirvYx2zAfBgNVHSMEGDAWgBSXOHZ0lOxiRSaB
G62/9QkirvYx2zAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIFQe
JEDvRepbdGcgeKdJMD/K1nWMmgrAuuLQ7+8tTwwKAiAabBw8Zkb8RwAVCEeJCA5U
FJvDPewqMukID1S9UXpXTg==
-----END CERTIFICATE-----
`);
export const SHEET_PDF = Buffer.from("%PDF-1.7\n% witness sheet\n%%EOF\n");

export function ceremonyRecords(): Array<Omit<JournalRecord, "seq" | "ceremonyId" | "time">> {
  const attest = (stepIndex: number, participantId: string) => ({
    actor: participantId,
    type: "attestation.recorded",
    body: { stepIndex, participantId, checklist: ["saw the HSM", "read the fingerprint aloud"] },
  });
  return [
    { actor: "system", type: "ceremony.started", body: { ...SAMPLE_BODIES["ceremony.started"], scriptId: "root-ca-2026" } },
    ...PARTICIPANTS.map((p) => ({ actor: "p-admin", type: "participant.joined", body: { participantId: p.id, name: p.name, role: p.role, organisation: p.organisation } })),
    {
      actor: "p-co",
      type: "step.started",
      body: { stepIndex: 0, stepId: "generate-root-key", title: "Generate the root key", action: "hsm.generate-key", attestation: { roles: ["internal-witness"], count: 2 } },
    },
    { actor: "p-co", type: "action.succeeded", body: { stepIndex: 0, performer: "p-co", outputs: { spkiSha256: { kind: "fingerprint", label: "Root key", value: "ab".repeat(32) } } } },
    attest(0, "p-w1"),
    attest(0, "p-w2"),
    { actor: "p-co", type: "step.completed", body: { stepIndex: 0 } },
    {
      actor: "p-co",
      type: "step.started",
      body: { stepIndex: 1, stepId: "sign-root", title: "Self-sign the root", action: "pki.self-sign", attestation: { roles: ["internal-witness", "crypto-officer"], count: 2 } },
    },
    { actor: "p-co", type: "action.succeeded", body: { stepIndex: 1, performer: "p-co", outputs: {} } },
    attest(1, "p-co"),
    attest(1, "p-w1"),
    { actor: "p-co", type: "step.completed", body: { stepIndex: 1 } },
    { actor: "system", type: "ceremony.completed", body: {} },
  ];
}

export function transcriptInput(events: RecordedEvent[] = chain(ceremonyRecords()), signer: Signer = FIXTURE_SIGNER): TranscriptInput {
  const last = events.at(-1);
  return {
    ceremony: { id: CEREMONY_ID, scriptId: "root-ca-2026", title: "Root CA 2026", status: "completed", startedAt: "2026-03-01T09:30:00.000Z", endedAt: "2026-03-01T09:31:00.000Z" },
    script: { text: "id: root-ca-2026\ntitle: Root CA 2026\nsteps: []\n", params: { subject: "CN=Example Root 2026", validityYears: 20 } },
    app: { name: "ceremony-workstation", version: "0.1.0" },
    host: { os: "linux", release: "6.1.0", hostname: "ceremony-laptop", airGap: { interfacesUp: ["lo"], decision: "clear" } },
    hsm: { manufacturer: "SoftHSM project", model: "SoftHSM v2", serial: "0123456789abcdef", firmware: "2.6", tokenLabel: "ceremony" },
    signer: { algorithm: "EC-P256", spkiSha256: spkiSha256Of(signer) },
    participants: PARTICIPANTS,
    events,
    outputs: [
      { kind: "certificate", label: "root-2026", file: "certs/root-2026.pem", sha256: sha256Hex(CERT_PEM), details: { subject: "CN=Example Root 2026" } },
      { kind: "document", label: "witness-sheet", file: "sheets/witness-sheet.pdf", sha256: sha256Hex(SHEET_PDF), details: {} },
      { kind: "kcv", label: "master-kek", details: { kcvEcb0: "F29000", kcvCmac: "377822C093" } },
    ],
    checkpoint: { ceremonyId: CEREMONY_ID, eventCount: events.length, head: last ? last.head : "0".repeat(64) },
  };
}

export const FILES: BundleFile[] = [
  { path: "certs/root-2026.pem", bytes: CERT_PEM },
  { path: "sheets/witness-sheet.pdf", bytes: SHEET_PDF },
];

/** Builds, signs and writes the fixture bundle into `dir`. */
export async function writeFixtureBundle(dir: string, signer = FIXTURE_SIGNER): Promise<{ signer: ReturnType<typeof nodeSigner>; bytes: Buffer }> {
  const { bytes } = buildTranscript(transcriptInput(undefined, signer));
  const envelope = await signTranscript(bytes, signer);
  await writeBundle(dir, { transcriptBytes: bytes, envelope, signerSpkiPem: signer.publicKey.export({ format: "pem", type: "spki" }).toString(), files: FILES });
  return { signer, bytes };
}
