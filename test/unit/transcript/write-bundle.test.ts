import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTranscript } from "../../../src/transcript/build-transcript.ts";
import { bundlePathProblem } from "../../../src/transcript/bundle-paths.ts";
import { signTranscript } from "../../../src/transcript/dsse.ts";
import { BundleContentsError, BundleExistsError, BundlePathError } from "../../../src/transcript/errors.ts";
import { sha256Hex } from "../../../src/transcript/manifest.ts";
import { writeBundle } from "../../../src/transcript/write-bundle.ts";
import { useTempDir } from "../journal/temp-dir.ts";
import { FILES, nodeSigner, transcriptInput, writeFixtureBundle } from "./fixture.ts";

const tempDir = useTempDir("cw-bundle-");

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

async function contents(files = FILES) {
  const signer = nodeSigner();
  const { bytes } = buildTranscript(transcriptInput());
  return { transcriptBytes: bytes, envelope: await signTranscript(bytes, signer), signerSpkiPem: signer.publicKey.export({ format: "pem", type: "spki" }).toString(), files };
}

describe("writeBundle", () => {
  it("writes the docs/architecture.md layout with a manifest of every other file, and no partial folder remains", async () => {
    const parent = tempDir();
    const dir = join(parent, "bundle");
    const { bytes } = await writeFixtureBundle(dir);
    expect(listFiles(dir).sort()).toEqual(["certs/root-2026.pem", "manifest.json", "sheets/witness-sheet.pdf", "signer.pub.pem", "transcript.dsse.json", "transcript.json"]);
    expect(readFileSync(join(dir, "transcript.json")).equals(bytes)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.files)).toEqual(["certs/root-2026.pem", "sheets/witness-sheet.pdf", "signer.pub.pem", "transcript.dsse.json", "transcript.json"]);
    for (const path of Object.keys(manifest.files)) expect(manifest.files[path]).toBe(sha256Hex(readFileSync(join(dir, path))));
    expect(readdirSync(parent)).toEqual(["bundle"]);
  });

  it("writes into an existing empty folder", async () => {
    const dir = tempDir();
    await writeFixtureBundle(dir);
    expect(listFiles(dir)).toContain("transcript.json");
  });

  it("refuses a folder that already contains files, and leaves it alone", async () => {
    const parent = tempDir();
    const dir = join(parent, "bundle");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const written = writeFixtureBundle(dir);
    await expect(written).rejects.toThrow(BundleExistsError);
    await expect(writeFixtureBundle(dir)).rejects.toThrow(`The folder ${dir} already contains files. A bundle is never written over anything: choose an empty folder.`);
    expect(listFiles(dir)).toEqual(["notes.txt"]);
    expect(readdirSync(parent)).toEqual(["bundle"]);
  });

  it("refuses to write a second bundle over the first", async () => {
    const dir = join(tempDir(), "bundle");
    await writeFixtureBundle(dir);
    await expect(writeFixtureBundle(dir)).rejects.toThrow(BundleExistsError);
  });

  it("refuses a path that is a file", async () => {
    const dir = join(tempDir(), "bundle");
    writeFileSync(dir, "x");
    await expect(writeFixtureBundle(dir)).rejects.toThrow(BundleExistsError);
  });

  it("keeps share cards private to the user", async () => {
    const dir = join(tempDir(), "bundle");
    const { transcriptBytes, envelope, signerSpkiPem } = await contents();
    await writeBundle(dir, { transcriptBytes, envelope, signerSpkiPem, files: [...FILES, { path: "print/card-1.pdf", bytes: Buffer.from("%PDF card") }] });
    expect(statSync(join(dir, "print/card-1.pdf")).mode & 0o777).toBe(0o600);
  });

  it.each([
    ["../escape.pem", 'contains ".."'],
    ["certs/../../escape.pem", 'contains ".."'],
    ["/etc/passwd", "is absolute"],
    ["C:/x/y.pem", "is absolute"],
    ["certs\\root.pem", "contains a backslash"],
    ["certs//root.pem", "has an empty or '.' folder name"],
    ["certs/.hidden", 'has the name ".hidden"'],
    ["certs/root ca.pem", 'has the name "root ca.pem"'],
    ["transcript.json", "is not inside one of the bundle folders"],
    ["other/x.pem", "is not inside one of the bundle folders"],
  ])("refuses the path %s", async (path, problem) => {
    const dir = join(tempDir(), "bundle");
    const c = await contents([{ path, bytes: Buffer.from("x") }]);
    await expect(writeBundle(dir, c)).rejects.toThrow(BundlePathError);
    await expect(writeBundle(dir, c)).rejects.toThrow(problem);
  });

  it("refuses two files whose names differ only in case", async () => {
    const c = await contents([{ path: "certs/Root.pem", bytes: Buffer.from("a") }, { path: "certs/root.pem", bytes: Buffer.from("b") }]);
    await expect(writeBundle(join(tempDir(), "b"), c)).rejects.toThrow(BundleContentsError);
  });

  it("refuses an envelope that is not over these transcript bytes or not by this signer", async () => {
    const c = await contents();
    const other = nodeSigner().publicKey.export({ format: "pem", type: "spki" }).toString();
    await expect(writeBundle(join(tempDir(), "b"), { ...c, signerSpkiPem: other })).rejects.toThrow("the transcript signature does not verify under signer.pub.pem");
    await expect(writeBundle(join(tempDir(), "b"), { ...c, transcriptBytes: Buffer.from("{}") })).rejects.toThrow(
      "the envelope's payload is not the bytes of transcript.json",
    );
  });

  it("accepts ordinary names", () => {
    expect(bundlePathProblem("certs/root-2026_v1.pem")).toBeNull();
  });
});
