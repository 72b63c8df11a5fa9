/**
 * What a forger can do to a bundle without the HSM's key: copy it, edit the transcript, rebuild
 * the chain, milestones and checkpoint, fix up the unsigned manifest, and re-sign everything with
 * a fresh P-256 key of their own (rewriting signer.pub.pem and the transcript's record of it).
 */
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, sign } from "node:crypto";
import { join, relative } from "node:path";
import { ChainWalker, MILESTONE_DIGITS, recordJson } from "../../src/journal/chain.ts";
import type { Signer } from "../../src/signer.ts";
import { buildManifest, envelopeBytes, manifestBytes, serializeTranscript, sha256Hex, signTranscript, spkiPem, type Transcript } from "../../src/transcript/index.ts";

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

export function copyBundle(from: string, to: string): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
}

export function readTranscript(dir: string): Transcript {
  return JSON.parse(readFileSync(join(dir, "transcript.json"), "utf8")) as Transcript;
}

export function fixManifest(dir: string): void {
  const files = new Map(filesUnder(dir).filter((f) => !f.endsWith("/manifest.json")).map((f) => [relative(dir, f), readFileSync(f)] as const));
  writeFileSync(join(dir, "manifest.json"), manifestBytes(buildManifest(files)));
}

export function attackerSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { algorithm: "EC-P256", spki: publicKey.export({ format: "der", type: "spki" }), sign: async (data) => sign("sha256", data, { key: privateKey, dsaEncoding: "der" }) };
}

/**
 * Recomputes seqs, heads and the checkpoint, and the milestones witnesses would have copied —
 * unless `keepMilestones`: the milestones already written on paper cannot be changed by a forger.
 */
export function rechain(t: Transcript, options: { keepMilestones?: boolean } = {}): Transcript {
  const walker = new ChainWalker();
  let previous = "0".repeat(64);
  const events = t.events.map((e, seq) => {
    const body = e.type === "step.completed" && !options.keepMilestones ? { ...e.body, milestone: previous.slice(0, MILESTONE_DIGITS) } : e.body;
    const record = { ceremonyId: e.ceremonyId, seq, time: e.time, actor: e.actor, type: e.type, body };
    previous = walker.addRecordJson(recordJson(record)).toString("hex");
    return { ...record, head: previous } as typeof e;
  });
  return { ...t, events, checkpoint: { ...t.checkpoint, eventCount: events.length, head: previous } };
}

/** Writes `t` into the bundle at `dir`, re-signed by `signer`, with signer.pub.pem, the recorded signer and the manifest fitted. */
export async function resign(dir: string, t: Transcript, signer: Signer, options: { recordSigner?: boolean } = {}): Promise<void> {
  const fp = sha256Hex(signer.spki);
  // The whole record of the signer: the header and the transcript-signing key's fact.
  const outputs = t.outputs.map((o) => (o.kind === "public-key" && o.details.purpose === "transcript-signing" ? { ...o, details: { ...o.details, spkiSha256: fp } } : o));
  const recorded = options.recordSigner === false ? t : { ...t, outputs, signer: { algorithm: "EC-P256" as const, spkiSha256: fp } };
  const bytes = Buffer.from(serializeTranscript(recorded).text);
  writeFileSync(join(dir, "transcript.json"), bytes);
  writeFileSync(join(dir, "transcript.dsse.json"), envelopeBytes(await signTranscript(bytes, signer)));
  writeFileSync(join(dir, "signer.pub.pem"), spkiPem(signer.spki));
  fixManifest(dir);
}
