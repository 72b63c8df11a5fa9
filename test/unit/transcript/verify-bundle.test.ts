import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/journal/canonical-json.ts";
import { ChainWalker, recordJson } from "../../../src/journal/chain.ts";
import { envelopeBytes, signTranscript } from "../../../src/transcript/dsse.ts";
import { buildManifest, manifestBytes, sha256Hex } from "../../../src/transcript/manifest.ts";
import type { Transcript } from "../../../src/transcript/types.ts";
import { verifyBundle } from "../../../src/transcript/verify-bundle.ts";
import { useTempDir } from "../journal/temp-dir.ts";
import { CERT_PEM, nodeSigner, writeFixtureBundle } from "./fixture.ts";

const tempDir = useTempDir("cw-verify-");

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

async function fixture() {
  const dir = join(tempDir(), "bundle");
  const { signer } = await writeFixtureBundle(dir);
  return { dir, signer, signerPem: signer.publicKey.export({ format: "pem", type: "spki" }).toString() };
}

/**
 * What an attacker without the signing key can do: rewrite transcript.json (canonically), put the
 * new bytes into the envelope payload, keep the old signature, and fix up the unsigned manifest.
 */
function rewriteTranscript(dir: string, edit: (t: Transcript) => void): void {
  const t = JSON.parse(readFileSync(join(dir, "transcript.json"), "utf8")) as Transcript;
  edit(t);
  const bytes = Buffer.from(canonicalJson(t), "utf8");
  writeFileSync(join(dir, "transcript.json"), bytes);
  const envelope = JSON.parse(readFileSync(join(dir, "transcript.dsse.json"), "utf8"));
  writeFileSync(join(dir, "transcript.dsse.json"), envelopeBytes({ ...envelope, payload: bytes.toString("base64") }));
  fixManifest(dir);
}

function fixManifest(dir: string): void {
  const files = new Map(listFiles(dir).filter((p) => p !== "manifest.json").map((p) => [p, readFileSync(join(dir, p))]));
  writeFileSync(join(dir, "manifest.json"), manifestBytes(buildManifest(files)));
}

/** Recomputes every head and the checkpoint, as an attacker who knows the chain rules would. */
function rechain(t: Transcript): void {
  const walker = new ChainWalker();
  t.events.forEach((e, i) => {
    e.seq = i;
    e.head = walker.addRecordJson(recordJson(e)).toString("hex");
  });
  t.checkpoint = { ...t.checkpoint, eventCount: t.events.length, head: walker.head.toString("hex") };
}

function codes(result: { failures: Array<{ code: string }> }): string[] {
  return [...new Set(result.failures.map((f) => f.code))].sort();
}

function messages(result: { failures: Array<{ message: string }> }): string[] {
  return result.failures.map((f) => f.message);
}

describe("verifyBundle", () => {
  it("passes an untouched bundle, with and without the expected signer, and returns the transcript", async () => {
    const { dir, signerPem } = await fixture();
    const result = await verifyBundle(dir);
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.transcript?.ceremony.id).toBe("c-2026-001");
    expect((await verifyBundle(dir, { signerPem })).ok).toBe(true);
  });

  it("a modified event", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      (t.events[3]!.body as { name: string }).name = "Mallory";
    });
    const result = await verifyBundle(dir);
    expect(result.ok).toBe(false);
    expect(messages(result)).toContain("event 3: hash does not chain from event 2");
    expect(messages(result)).toContain("the transcript signature does not verify under signer.pub.pem");
  });

  it("a deleted event", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => void t.events.splice(7, 1));
    const result = await verifyBundle(dir);
    expect(messages(result)).toContain("event 7 is missing or out of place: position 7 of the transcript holds event 8");
    expect(messages(result)).toContain("checkpoint says 16 events, transcript has 15 (events were removed from the end)");
    expect(codes(result)).toContain("SIGNATURE_INVALID");
  });

  it("an inserted event", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      const copy = { ...(t.events[8] as Transcript["events"][number]) };
      t.events.splice(9, 0, copy);
    });
    const result = await verifyBundle(dir);
    expect(messages(result)).toContain("event 9 is missing or out of place: position 9 of the transcript holds event 8");
    expect(messages(result)).toContain("checkpoint says 16 events, transcript has 17");
  });

  it("reordered events", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      const [a, b] = [t.events[8], t.events[9]] as [Transcript["events"][number], Transcript["events"][number]];
      t.events[8] = b;
      t.events[9] = a;
    });
    expect(messages(await verifyBundle(dir))).toContain("event 8 is missing or out of place: position 8 of the transcript holds event 9");
  });

  it("reordered events renumbered by the attacker", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      const [a, b] = [t.events[8], t.events[9]] as [Transcript["events"][number], Transcript["events"][number]];
      t.events[8] = { ...b, seq: 8 };
      t.events[9] = { ...a, seq: 9 };
    });
    expect(messages(await verifyBundle(dir))).toContain("event 8: hash does not chain from event 7");
  });

  it("truncated events", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => void t.events.pop());
    const result = await verifyBundle(dir);
    expect(messages(result)).toContain("checkpoint says 16 events, transcript has 15 (events were removed from the end)");
    expect(messages(result)).toContain("ceremony status is completed, but the last event is step.completed, not ceremony.completed");
  });

  it("truncated events with the checkpoint rewritten too", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      t.events.splice(-2, 2);
      rechain(t);
    });
    const result = await verifyBundle(dir);
    expect(codes(result)).toEqual(["CEREMONY_STATUS_MISMATCH", "SIGNATURE_INVALID"]);
  });

  it("a removed attestation with the whole chain recomputed: only the signature and the rules catch it", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      t.events = t.events.filter((e) => !(e.type === "attestation.recorded" && e.body.participantId === "p-w2"));
      rechain(t);
    });
    const result = await verifyBundle(dir);
    // The milestone heads the witnesses wrote down no longer match the recomputed chain either.
    expect(codes(result)).toEqual(["ATTESTATION_MISSING", "MILESTONE_MISMATCH", "SIGNATURE_INVALID"]);
    expect(messages(result)).toContain("step 1: needs 2 attestations from internal-witness, has 1");
    expect(messages(result).filter((m) => m.includes("the chain gives"))).toHaveLength(2);
  });

  it("an edited transcript.json without touching anything else", async () => {
    const { dir } = await fixture();
    const path = join(dir, "transcript.json");
    writeFileSync(path, readFileSync(path, "utf8").replace("Root CA 2026", "Root CA 2027"));
    const result = await verifyBundle(dir);
    expect(codes(result)).toEqual(["ENVELOPE_PAYLOAD_MISMATCH", "MANIFEST_HASH_MISMATCH"]);
    expect(messages(result)).toContain("the envelope's payload is not the bytes of transcript.json");
  });

  it("a transcript.json re-formatted (same content, not canonical)", async () => {
    const { dir } = await fixture();
    const path = join(dir, "transcript.json");
    writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(path, "utf8")), null, 2));
    expect(codes(await verifyBundle(dir))).toEqual(["ENVELOPE_PAYLOAD_MISMATCH", "MANIFEST_HASH_MISMATCH", "TRANSCRIPT_NOT_CANONICAL"]);
  });

  it("an edited script text", async () => {
    const { dir } = await fixture();
    rewriteTranscript(dir, (t) => {
      t.script.text += "# harmless?\n";
    });
    expect(messages(await verifyBundle(dir)).some((m) => m.startsWith("script sha256 says "))).toBe(true);
  });

  it("signer.pub.pem swapped for another key", async () => {
    const { dir, signerPem } = await fixture();
    writeFileSync(join(dir, "signer.pub.pem"), nodeSigner().publicKey.export({ format: "pem", type: "spki" }));
    fixManifest(dir);
    expect(codes(await verifyBundle(dir))).toEqual(["SIGNATURE_INVALID", "SIGNATURE_KEYID_MISMATCH", "SIGNER_NOT_RECORDED"]);
    expect(codes(await verifyBundle(dir, { signerPem }))).toContain("SIGNER_KEY_UNEXPECTED");
  });

  it("a bundle re-signed by an attacker's own key without changing the recorded signer fails", async () => {
    const { dir } = await fixture();
    const attacker = nodeSigner();
    rewriteTranscript(dir, (t) => {
      t.ceremony.title = "Forged";
    });
    const bytes = readFileSync(join(dir, "transcript.json"));
    writeFileSync(join(dir, "transcript.dsse.json"), envelopeBytes(await signTranscript(bytes, attacker)));
    writeFileSync(join(dir, "signer.pub.pem"), attacker.publicKey.export({ format: "pem", type: "spki" }));
    fixManifest(dir);
    expect(codes(await verifyBundle(dir))).toEqual(["SIGNER_NOT_RECORDED"]);
  });

  it("a bundle re-signed by an attacker's own key, recorded signer rewritten, is never anchored", async () => {
    const { dir, signerPem, signer } = await fixture();
    const attacker = nodeSigner();
    rewriteTranscript(dir, (t) => {
      t.ceremony.title = "Forged";
      t.signer = { algorithm: "EC-P256", spkiSha256: sha256Hex(attacker.spki) };
    });
    const bytes = readFileSync(join(dir, "transcript.json"));
    writeFileSync(join(dir, "transcript.dsse.json"), envelopeBytes(await signTranscript(bytes, attacker)));
    writeFileSync(join(dir, "signer.pub.pem"), attacker.publicKey.export({ format: "pem", type: "spki" }));
    fixManifest(dir);
    const unanchored = await verifyBundle(dir);
    expect(unanchored.ok).toBe(true);
    expect(unanchored.anchored).toBe(false);
    expect(unanchored.signerSpkiSha256).toBe(sha256Hex(attacker.spki));
    const pinned = await verifyBundle(dir, { signerPem });
    expect(codes(pinned)).toEqual(["SIGNER_KEY_UNEXPECTED"]);
    expect(pinned.anchored).toBe(false);
    expect(codes(await verifyBundle(dir, { anchors: [sha256Hex(signer.spki)] }))).toEqual(["SIGNER_KEY_UNEXPECTED"]);
  });

  it("a removed file", async () => {
    const { dir } = await fixture();
    rmSync(join(dir, "certs/root-2026.pem"));
    expect(messages(await verifyBundle(dir)).sort()).toEqual([
      "certs/root-2026.pem is listed in the manifest but is not in the bundle",
      "output certificate root-2026: certs/root-2026.pem is not in the bundle",
    ]);
  });

  it("a removed required file", async () => {
    const { dir } = await fixture();
    rmSync(join(dir, "transcript.dsse.json"));
    expect(codes(await verifyBundle(dir))).toEqual(["BUNDLE_FILE_MISSING", "MANIFEST_FILE_MISSING"]);
  });

  it("an added file, and an added link", async () => {
    const { dir } = await fixture();
    writeFileSync(join(dir, "certs/extra.pem"), "x");
    symlinkSync("/etc/hostname", join(dir, "crl.link"));
    expect(messages(await verifyBundle(dir))).toEqual([
      "crl.link is not a regular file (a link or device); a bundle holds only files and folders",
      "certs/extra.pem is in the bundle but not in the manifest",
      "certs/extra.pem is in the bundle but the signed transcript does not list it: it was added or swapped in after the ceremony",
    ]);
  });

  it("a replaced output file with the manifest fixed up", async () => {
    const { dir } = await fixture();
    writeFileSync(join(dir, "certs/root-2026.pem"), "-----BEGIN CERTIFICATE-----\nforged\n-----END CERTIFICATE-----\n");
    fixManifest(dir);
    const result = await verifyBundle(dir);
    expect(codes(result)).toEqual(["ARTIFACT_MISMATCH", "OUTPUT_HASH_MISMATCH"]);
    expect(messages(result).find((m) => m.includes("has SHA-256"))).toMatch(/^output certificate root-2026: certs\/root-2026\.pem has SHA-256 [0-9a-f]{64}, the signed transcript says [0-9a-f]{64}$/);
  });

  it("a certificate output whose recorded DER hash, serial and key fingerprint were all changed: each is named once, with the file's own value (read by openssl)", async () => {
    const { dir } = await fixture();
    const openssl = (...args: string[]): Buffer => execFileSync("openssl", args, { input: CERT_PEM });
    const der = openssl("x509", "-outform", "DER");
    const spki = execFileSync("openssl", ["pkey", "-pubin", "-outform", "DER"], { input: openssl("x509", "-noout", "-pubkey") });
    const serial = openssl("x509", "-noout", "-serial").toString().trim().replace(/^serial=/, "").toLowerCase();
    rewriteTranscript(dir, (t) => {
      const cert = t.outputs.find((o) => o.kind === "certificate")!;
      cert.details = { ...cert.details, sha256: "00".repeat(32), serial: "01", spkiSha256: "11".repeat(32) };
    });
    const result = await verifyBundle(dir);
    expect(result.failures.filter((f) => f.code === "ARTIFACT_MISMATCH").map((f) => f.message)).toEqual([
      `output certificate root-2026: certs/root-2026.pem: its DER SHA-256 is ${sha256Hex(der)}, the transcript recorded ${"00".repeat(32)}`,
      `output certificate root-2026: certs/root-2026.pem: serial ${serial}, the transcript recorded 01`,
      `output certificate root-2026: certs/root-2026.pem: its public key's SHA-256 is ${sha256Hex(spki)}, the transcript recorded ${"11".repeat(32)}`,
    ]);
  });

  it("a signer.pub.pem that holds no transcript-signing key is one failure, and gives no fingerprint", async () => {
    const { dir } = await fixture();
    writeFileSync(join(dir, "signer.pub.pem"), generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "pem", type: "spki" }));
    fixManifest(dir);
    const result = await verifyBundle(dir);
    expect(result.failures).toEqual([
      {
        code: "SIGNER_KEY_INVALID",
        message:
          "signer.pub.pem: Transcripts are signed only with ECDSA P-256 (or, on tokens without it, P-384 or RSA-3072) keys; this is an RSA-2048 key. Use the token's dedicated transcript-signing key.",
      },
    ]);
    expect(result.signerSpkiSha256).toBeUndefined();
  });

  it("a folder that does not exist", async () => {
    const missing = join(tempDir(), "nope");
    expect(await verifyBundle(missing)).toEqual({ ok: false, anchored: false, files: new Map(), failures: [{ code: "BUNDLE_UNREADABLE", message: `the bundle folder ${missing} does not exist` }] });
  });

  it("runs extra checks, naming failures by the check", async () => {
    const { dir } = await fixture();
    const result = await verifyBundle(dir, {
      extraChecks: [
        { name: "SCRIPT_REVALIDATION", run: ({ transcript }) => (transcript.script.text.includes("steps: []") ? ["steps[0] is required"] : []) },
        { name: "OK_CHECK", run: async ({ files }) => (files.has("certs/root-2026.pem") ? [] : ["missing"]) },
        {
          name: "BROKEN_CHECK",
          run: () => {
            throw new Error("boom");
          },
        },
      ],
    });
    expect(result.failures).toEqual([
      { code: "SCRIPT_REVALIDATION", message: "steps[0] is required" },
      { code: "BROKEN_CHECK", message: "the BROKEN_CHECK check could not run: boom" },
    ]);
  });

  it("an invalid expected signer key is a failure, not a crash", async () => {
    const { dir } = await fixture();
    expect(codes(await verifyBundle(dir, { signerPem: "garbage" }))).toEqual(["SIGNER_KEY_INVALID"]);
  });

  it("catches a single flipped bit in any file at any sampled position", async () => {
    const { dir } = await fixture();
    const files = listFiles(dir);
    let tried = 0;
    for (const path of files) {
      const full = join(dir, path);
      const original = readFileSync(full);
      const positions = new Set([0, original.length - 1, Math.floor(original.length / 2)]);
      for (let i = 0; i < 40; i++) positions.add(Math.floor((original.length * i) / 40));
      for (const position of positions) {
        const flipped = Buffer.from(original);
        flipped[position] = (flipped[position] as number) ^ 0x01;
        writeFileSync(full, flipped);
        const result = await verifyBundle(dir);
        expect(result.ok, `flip at ${path}:${position} went unnoticed`).toBe(false);
        tried++;
      }
      writeFileSync(full, original);
    }
    expect(tried).toBeGreaterThan(150);
    expect((await verifyBundle(dir)).ok).toBe(true);
  });
});
