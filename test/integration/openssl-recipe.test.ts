/**
 * Runs the shell recipe of docs/verify-with-openssl.md, exactly as written there, against a real
 * bundle: stock OpenSSL must say "Verified OK" for a good bundle and must not for tampered ones.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/journal/canonical-json.ts";
import { envelopeBytes, signTranscript } from "../../src/transcript/dsse.ts";
import { buildManifest, manifestBytes } from "../../src/transcript/manifest.ts";
import { useTempDir } from "../unit/journal/temp-dir.ts";
import { nodeSigner, writeFixtureBundle } from "../unit/transcript/fixture.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const tempDir = useTempDir("cw-openssl-");

function recipe(): string {
  const doc = readFileSync(join(root, "docs/verify-with-openssl.md"), "utf8");
  const section = doc.slice(doc.indexOf("## The recipe"));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error("docs/verify-with-openssl.md has no sh block under 'The recipe'");
  return match[1];
}

function runRecipe(bundle: string): string {
  // No `set -e`: the recipe is a list of checks, each printing its verdict; the output is judged.
  return execFileSync("bash", ["-c", recipe()], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", B: bundle }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function runRecipeWithStderr(bundle: string): string {
  try {
    return execFileSync("bash", ["-c", `{ ${recipe()}\n} 2>&1`], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", B: bundle }, encoding: "utf8" });
  } catch (e) {
    return String((e as { stdout?: string }).stdout);
  }
}

function files(dir: string): Map<string, Buffer> {
  const out = execFileSync("find", [".", "-type", "f", "!", "-path", "./manifest.json"], { cwd: dir, encoding: "utf8" });
  return new Map(out.trim().split("\n").map((p) => [p.replace(/^\.\//, ""), readFileSync(join(dir, p))]));
}

async function goodBundle(): Promise<string> {
  const dir = join(tempDir(), "bundle");
  await writeFixtureBundle(dir);
  return dir;
}

describe("docs/verify-with-openssl.md", () => {
  it("verifies a good bundle with stock OpenSSL", async () => {
    const dir = await goodBundle();
    const keyid = JSON.parse(readFileSync(join(dir, "transcript.dsse.json"), "utf8")).signatures[0].keyid;
    const out = runRecipe(dir);
    expect(out.split("\n").filter(Boolean)).toEqual([
      "payload is transcript.json",
      "Verified OK",
      "signer is ECDSA P-256",
      `keyid is the signer's fingerprint: ${keyid}`,
      "certs/root-2026.pem: OK",
      "sheets/witness-sheet.pdf: OK",
      "signer.pub.pem: OK",
      "transcript.dsse.json: OK",
      "transcript.json: OK",
      "manifest lists exactly the files in the bundle",
    ]);
  });

  it("fails when the transcript and payload were rewritten without the key", async () => {
    const dir = await goodBundle();
    const transcript = JSON.parse(readFileSync(join(dir, "transcript.json"), "utf8"));
    transcript.events[3].body.name = "Mallory";
    const bytes = Buffer.from(canonicalJson(transcript), "utf8");
    writeFileSync(join(dir, "transcript.json"), bytes);
    const envelope = JSON.parse(readFileSync(join(dir, "transcript.dsse.json"), "utf8"));
    writeFileSync(join(dir, "transcript.dsse.json"), envelopeBytes({ ...envelope, payload: bytes.toString("base64") }));
    writeFileSync(join(dir, "manifest.json"), manifestBytes(buildManifest(files(dir))));
    const out = runRecipeWithStderr(dir);
    expect(out).toContain("payload is transcript.json");
    expect(out).toContain("Verification failure");
    expect(out).not.toContain("Verified OK");
  });

  it("fails when only transcript.json was edited", async () => {
    const dir = await goodBundle();
    const path = join(dir, "transcript.json");
    writeFileSync(path, readFileSync(path, "utf8").replace("Root CA 2026", "Root CA 2027"));
    const out = runRecipeWithStderr(dir);
    expect(out).toContain("differ");
    expect(out).not.toContain("payload is transcript.json");
    expect(out).toContain("transcript.json: FAILED");
  });

  it("reports a file that is not in the manifest", async () => {
    const dir = await goodBundle();
    writeFileSync(join(dir, "certs/extra.pem"), "x");
    const out = runRecipeWithStderr(dir);
    expect(out).toContain("Verified OK");
    expect(out).toContain("> certs/extra.pem");
    expect(out).not.toContain("manifest lists exactly the files in the bundle");
  });

  it("shows another fingerprint when the bundle was re-signed with another key", async () => {
    const dir = await goodBundle();
    const original = JSON.parse(readFileSync(join(dir, "transcript.dsse.json"), "utf8")).signatures[0].keyid;
    const attacker = nodeSigner();
    const bytes = readFileSync(join(dir, "transcript.json"));
    const envelope = await signTranscript(bytes, attacker);
    writeFileSync(join(dir, "transcript.dsse.json"), envelopeBytes(envelope));
    writeFileSync(join(dir, "signer.pub.pem"), attacker.publicKey.export({ format: "pem", type: "spki" }));
    writeFileSync(join(dir, "manifest.json"), manifestBytes(buildManifest(files(dir))));
    const out = runRecipe(dir);
    expect(out).toContain("Verified OK");
    expect(out).toContain(`keyid is the signer's fingerprint: ${envelope.signatures[0]?.keyid}`);
    expect(out).not.toContain(original);
  });
});
