import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTranscript } from "../../../src/transcript/build-transcript.ts";
import { signTranscript } from "../../../src/transcript/dsse.ts";
import { sha256Hex } from "../../../src/transcript/manifest.ts";
import { exitStatusOf, verifyArchive } from "../../../src/transcript/verify-archive.ts";
import { writeBundle } from "../../../src/transcript/write-bundle.ts";
import { useTempDir } from "../journal/temp-dir.ts";
import { FILES, FIXTURE_SIGNER, ceremonyRecords, chain, transcriptInput, writeFixtureBundle } from "./fixture.ts";

const tempDir = useTempDir("cw-archive-");

/** The fixture ceremony, aborted after its first step: a genuine record of a ceremony whose outputs are not to be used. */
async function writeAbortedBundle(dir: string): Promise<void> {
  const records = ceremonyRecords();
  records.splice(records.findIndex((r) => r.type === "step.started" && r.body.stepIndex === 1));
  records.push({ actor: "p-co", type: "ceremony.aborted", body: { reason: "the HSM reported a fault" } });
  const input = transcriptInput(chain(records));
  const { bytes } = buildTranscript({ ...input, ceremony: { ...input.ceremony, status: "aborted" } });
  await writeBundle(dir, { transcriptBytes: bytes, envelope: await signTranscript(bytes, FIXTURE_SIGNER), signerSpkiPem: FIXTURE_SIGNER.publicKey.export({ format: "pem", type: "spki" }).toString(), files: FILES });
}

describe("verifyArchive and the exit statuses", () => {
  it("an aborted ceremony is never plainly verified: 'verified-aborted' (exit 4) anchored, 5 without an anchor", async () => {
    const dir = join(tempDir(), "aborted");
    await writeAbortedBundle(dir);
    const anchor = sha256Hex(FIXTURE_SIGNER.spki);
    const loose = await verifyArchive([dir]);
    expect(loose.bundles[0]).toMatchObject({ verdict: "verified-aborted-not-anchored", status: "aborted", abortReason: "the HSM reported a fault", signerSpkiSha256: anchor });
    expect(exitStatusOf(loose)).toBe(5);
    const pinned = await verifyArchive([dir], { anchors: [anchor] });
    expect(pinned.bundles[0]?.verdict).toBe("verified-aborted");
    expect(exitStatusOf(pinned)).toBe(4);
  });

  it("a folder of bundles is searched; completed and anchored is 0, not anchored 3, any failure 1", async () => {
    const archive = join(tempDir(), "archive");
    mkdirSync(archive);
    await writeFixtureBundle(join(archive, "a"));
    await writeFixtureBundle(join(archive, "nested", "b"));
    const anchor = sha256Hex(FIXTURE_SIGNER.spki);
    const report = await verifyArchive([archive], { anchors: [anchor] });
    expect(report.bundles.map((b) => [b.path.slice(archive.length), b.verdict])).toEqual([
      ["/a", "verified"],
      ["/nested/b", "verified"],
    ]);
    expect(exitStatusOf(report)).toBe(0);
    expect(exitStatusOf(await verifyArchive([archive]))).toBe(3);
    const withMissing = await verifyArchive([archive, join(archive, "missing")], { anchors: [anchor] });
    expect(withMissing.summary).toMatchObject({ total: 3, verified: 2, failed: 1 });
    expect(exitStatusOf(withMissing)).toBe(1);
  });
});
