/**
 * Full ceremonies as `ceremony run` makes them (not rehearsals) on two complete PKCS#11
 * implementations, SoftHSM2 and NSS softokn: root CA and master key on each, and each escrow
 * recovered into a fresh token of the OTHER implementation. The wrapped-key bytes of each escrow
 * are unwrapped by stock OpenSSL (`openssl enc -d -id-aes256-wrap-pad`) with the escrow key the
 * printed cards rebuild, and give the KEK with the transcript's KCVs.
 *
 * Each workstation has its own journal: the key inventory tells tokens apart by serial, and every
 * NSS softokn database reports serial 0000000000000000, so two NSS tokens in one journal are (rightly)
 * refused as a label conflict. Root CA and master key share one token per implementation, as one
 * HSM serves several ceremonies; the recovery runs on another workstation with a fresh token.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript, type RehearsalResult } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { combineShares, decodeShare, keyCheckValues } from "../../../src/escrow/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { createTestToken, HSM_IMPLEMENTATIONS, type HsmImplementation, type TestTokenEnvironment } from "../../helpers/rehearsal-hsm.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
const work = await mkdtemp(join(tmpdir(), "two-impl-"));
const journals = new Map<string, Journal>();
const tokens: TestTokenEnvironment[] = [];
afterAll(async () => {
  for (const j of journals.values()) j.close();
  for (const t of tokens) await t.cleanup();
});

function journalOf(workstation: string): Journal {
  let j = journals.get(workstation);
  if (!j) journals.set(workstation, (j = Journal.open(join(work, `${workstation}.db`))));
  return j;
}

async function freshToken(implementation: HsmImplementation, label: string): Promise<TestTokenEnvironment> {
  const t = await createTestToken(implementation, [label]);
  tokens.push(t);
  return t;
}

/** A real ceremony (rehearsal: false) of a script; the test machine is connected, so the copy allows a witnessed override. */
async function ceremony(
  workstation: string,
  token: TestTokenEnvironment,
  scriptFile: string,
  params: string,
  name: string,
  extra: Partial<Parameters<typeof rehearseScript>[0]> = {},
): Promise<{ dir: string; result: RehearsalResult }> {
  const text = (await readFile(join(SCRIPTS, scriptFile), "utf8")).replace("airGap: block", "airGap: allow-with-override");
  const dir = join(work, name);
  const result = await rehearseScript({
    script: loadScript(text, scriptFile, parseParams(params, `${name} parameters`)),
    env: token,
    tokenLabel: token.tokens[0]!.label,
    journal: journalOf(workstation),
    outDir: dir,
    real: true,
    ...extra,
  });
  const v = await verifyBundle(dir, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  expect(v.transcript!.events[0]).toMatchObject({ type: "ceremony.started", body: { rehearsal: false } });
  return { dir, result };
}

const masters = new Map<HsmImplementation, { dir: string; result: RehearsalResult }>();
const other = (i: HsmImplementation): HsmImplementation => (i === "SoftHSM2" ? "NSS softokn" : "SoftHSM2");

describe.each(HSM_IMPLEMENTATIONS)("on %s", (implementation) => {
  let token: TestTokenEnvironment;
  test("a root-CA ceremony ends in a verifying bundle whose certificate OpenSSL accepts", async () => {
    token = await freshToken(implementation, "ceremony-token");
    const { dir } = await ceremony(implementation, token, "root-ca.yaml", `parameters:\n  subject: "CN=Two Impl Root ${implementation}, O=Test, C=US"\n`, `root-${implementation}`);
    const pem = join(dir, "certs", (await run("ls", [join(dir, "certs")])).stdout.trim().split("\n").find((f) => f.endsWith(".pem"))!);
    const { stdout } = await run("openssl", ["verify", "-CAfile", pem, pem]);
    expect(stdout).toContain(": OK");
  }, 180_000);

  test("a master-key ceremony escrows the KEK with RFC 5649 under the mechanism proven on this token; OpenSSL unwraps the bytes", async () => {
    expect(token, "the root-CA ceremony above made the token").toBeDefined();
    const master = await ceremony(implementation, token, "master-key.yaml", "parameters:\n  threshold: 3\n  cardCount: 5\n", `master-${implementation}`);
    masters.set(implementation, master);
    const transcript = JSON.parse(await readFile(join(master.dir, "transcript.json"), "utf8")) as {
      outputs: Array<{ kind: string; label: string; details: Record<string, string> }>;
      events: Array<{ type: string; body: Record<string, unknown> }>;
    };
    const split = transcript.events.find((e) => e.type === "escrow.split")!.body;
    expect(split).toMatchObject({
      wrapAlgorithm: "RFC 5649",
      wrapMechanism: implementation === "SoftHSM2" ? "CKM_AES_KEY_WRAP_PAD (0x210A)" : "CKM_AES_KEY_WRAP_KWP (0x210B)",
    });
    const kcv = transcript.outputs.find((o) => o.kind === "kcv" && o.details.kcvCmac)!.details;
    // NSS softokn has no CKA_CHECK_VALUE for AES keys: both KCVs come from the KCV probe, and the transcript says so.
    expect(kcv.kcvMethod).toMatch(implementation === "SoftHSM2" ? /^KCV-ECB0 from the token's CKA_CHECK_VALUE/ : /^both KCVs by the KCV probe/);

    // Independent check: the escrow key the cards rebuild, and stock OpenSSL's RFC 5649 unwrap.
    const texts = [...master.result.cardTexts.values()].slice(0, 3);
    const escrowKey = Buffer.from(await combineShares(texts.map((t, i) => decodeShare(t, { label: `card ${i + 1}` }))));
    const wrappedPath = join(master.dir, "escrow", "KEK-01.wrapped");
    const wrapped = await readFile(wrappedPath);
    expect(wrapped.length).toBe(40);
    const kekPath = join(work, `kek-${implementation}.bin`);
    await run("openssl", ["enc", "-d", "-id-aes256-wrap-pad", "-K", escrowKey.toString("hex"), "-iv", "A65959A6", "-in", wrappedPath, "-out", kekPath]);
    escrowKey.fill(0);
    const kek = await readFile(kekPath);
    await writeFile(kekPath, Buffer.alloc(32));
    expect(kek.length).toBe(32);
    const check = keyCheckValues(kek);
    kek.fill(0);
    expect({ ecb0: check.ecb0, cmac: check.cmac }).toEqual({ ecb0: kcv.kcvEcb0, cmac: kcv.kcvCmac });
    console.log(`${implementation}: wrapped key ${wrapped.toString("hex")} (${wrapped.length} bytes, ${String(split.wrapMechanism)}); openssl enc -d -id-aes256-wrap-pad gives the KEK with KCVs ${kcv.kcvEcb0} / ${kcv.kcvCmac}`);
  }, 180_000);

  test(`the escrow is recovered from 3 cards into a fresh ${other(implementation)} token with the same KCVs`, async () => {
    const master = masters.get(implementation);
    expect(master, "the master-key ceremony above must have run").toBeDefined();
    const target = other(implementation);
    const fresh = await freshToken(target, "recovery-token");
    const holders = ["Hana Holder", "Jun Holder", "Lea Holder"];
    const { dir } = await ceremony(`recovery-site-${implementation}`, fresh, "key-recovery.yaml", `parameters:\n  bundle: ${JSON.stringify(master!.dir)}\n`, `recovery-${implementation}-into-${target}`, {
      participants: rehearsalCast(5).filter((p) => p.role !== "share-holder" || holders.includes(p.name)),
      cardTexts: master!.result.cardTexts,
    });
    const transcript = JSON.parse(await readFile(join(dir, "transcript.json"), "utf8")) as { events: Array<{ type: string; body: Record<string, unknown> }> };
    const source = transcript.events.find((e) => e.type === "recovery.source")!.body;
    expect(source).toMatchObject({
      wrapFormat: "AES key wrap with padding (RFC 5649)",
      wrapMechanismUsed: target === "SoftHSM2" ? "CKM_AES_KEY_WRAP_PAD (0x210A)" : "CKM_AES_KEY_WRAP_KWP (0x210B)",
    });
    const recovered = transcript.events.find((e) => e.type === "escrow.recovered")!.body;
    const original = (JSON.parse(await readFile(join(master!.dir, "transcript.json"), "utf8")) as { events: Array<{ type: string; body: Record<string, unknown> }> }).events.find(
      (e) => e.type === "escrow.split",
    )!.body;
    expect(recovered.kcvCmac).toBe(original.kcvCmac);
    expect(recovered.kcvEcb0).toBe(original.kcvEcb0);
  }, 180_000);
});
