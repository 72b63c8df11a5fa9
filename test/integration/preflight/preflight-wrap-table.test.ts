/**
 * The preflight and the escrow step share one RFC 5649 table and one decision
 * (src/hsm/key-wrap-choice.ts). Tokens we cannot run here are made from real modules with the
 * capability mask: NSS softokn offering its RFC 5649 (0x210B) only under AWS CloudHSM's vendor
 * number, or its RFC 3394 + PKCS#7 (0x210A) under Luna's; SoftHSM2 whose unwrap insists on
 * CKA_VALUE_LEN (Luna before firmware 7.9.3), or that will not destroy a test object
 * (CKA_DESTROYABLE false: SoftHSM2 itself answers CKR_ACTION_PROHIBITED).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { loadScript, loadScriptFile, parseParams } from "../../../src/ceremony/load-script.ts";
import type { PreflightReport } from "../../../src/ceremony/preflight.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import { rehearsalCast, rehearseScript, type RehearsalResult } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { combineShares, decodeShare, keyCheckValues } from "../../../src/escrow/index.ts";
import { CKM, HsmClient, type HsmClientOptions } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { clientOptions, createTestToken, type HsmImplementation, type TestTokenEnvironment } from "../../helpers/rehearsal-hsm.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
const work = await mkdtemp(join(tmpdir(), "wrap-table-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const AWS_ZERO_PAD = 0x8000216f;
const LUNA_KWP = 0x80000171;
const AWS_NAME = "AWS CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD (0x8000216F)";
/** NSS softokn offering RFC 5649 only as AWS CloudHSM does: under 0x8000216F. */
const AWS_LIKE: HsmClientOptions["mask"] = { hideMechanisms: [CKM.AES_KEY_WRAP_KWP, CKM.AES_KEY_WRAP_PAD], aliasMechanisms: [[AWS_ZERO_PAD, CKM.AES_KEY_WRAP_KWP]] };

async function token(implementation: HsmImplementation, label: string): Promise<TestTokenEnvironment> {
  const t = await createTestToken(implementation, [label]);
  cleanups.push(t.cleanup);
  return t;
}

async function preflight(t: TestTokenEnvironment, file: string, mask: HsmClientOptions["mask"], pin?: string): Promise<PreflightReport> {
  const { script } = await loadScriptFile(join(SCRIPTS, file));
  return preflightOnModule({ ...clientOptions(t), modulePath: t.modulePath, mask }, { label: t.tokens[0]!.label }, script, pin ? async () => Buffer.from(pin) : undefined);
}

function row(report: PreflightReport, need: string): { offered: string; verdict: string; advice: string } {
  const r = report.rows.find((x) => x.need.startsWith(need));
  if (!r) throw new Error(`no row "${need}" in ${report.rows.map((x) => x.need).join(" | ")}`);
  return r;
}

async function withClient<T>(t: TestTokenEnvironment, mask: HsmClientOptions["mask"], body: (c: HsmClient) => Promise<T>): Promise<T> {
  const client = await HsmClient.open({ ...clientOptions(t), mask });
  try {
    await client.call("openToken", { label: t.tokens[0]!.label });
    await client.login("user", Buffer.from(t.tokens[0]!.userPin));
    return await body(client);
  } finally {
    await client.close();
  }
}

/** A real ceremony (not a rehearsal) on a masked token, in its own journal; the bundle must verify. */
async function ceremony(t: TestTokenEnvironment, file: string, params: string, name: string, extra: Partial<Parameters<typeof rehearseScript>[0]> = {}): Promise<{ dir: string; result: RehearsalResult }> {
  const text = (await readFile(join(SCRIPTS, file), "utf8")).replace("airGap: block", "airGap: allow-with-override");
  const journal = Journal.open(join(work, `${name}.db`));
  cleanups.push(async () => journal.close());
  const dir = join(work, name);
  const result = await rehearseScript({ script: loadScript(text, file, parseParams(params, name)), env: t, tokenLabel: t.tokens[0]!.label, journal, outDir: dir, real: true, ...extra });
  const v = await verifyBundle(dir, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  return { dir, result };
}

type Transcript = { events: Array<{ type: string; body: Record<string, unknown> }>; outputs: Array<{ kind: string; label: string; details: Record<string, string> }> };
const transcriptOf = async (dir: string): Promise<Transcript> => JSON.parse(await readFile(join(dir, "transcript.json"), "utf8")) as Transcript;

test("RFC 5649 only under AWS CloudHSM's vendor number: the preflight passes it by the known-answer test, the escrow uses it, OpenSSL unwraps the blob, and recovery uses the recorded mechanism", async () => {
  const nss = await token("NSS softokn", "aws-like");
  const report = await preflight(nss, "master-key.yaml", AWS_LIKE);
  const wrap = row(report, "Wrap a key with AES key wrap");
  expect(wrap.verdict).toBe("ok");
  expect(wrap.offered).toContain(
    "0x8000216F (vendor: CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD) output = RFC 5649 (OpenSSL id-aes256-wrap-pad): passed (vendor number from our table, untested by us; RFC 5649 §6 vector matched)",
  );
  expect(wrap.offered).toMatch(new RegExp(`${AWS_NAME.replace(/[()]/g, "\\$&")} will be used$`));
  const unwrap = row(report, "Unwrap a key wrapped");
  expect(unwrap.verdict).toBe("ok");
  expect(unwrap.offered).toContain(`unwrap into the trial recovery's template, KCVs compared: passed (${AWS_NAME}, KCVs match)`);
  expect(report.profile.rfc5649Mechanism).toBe("0x8000216F (vendor: CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD)");
  expect(report.ok).toBe(true);

  const choice = await withClient(nss, AWS_LIKE, (c) => c.call("escrowWrapMechanism"));
  expect(choice).toMatchObject({ mechanism: AWS_ZERO_PAD, mechanismName: AWS_NAME, proven: true });
  expect(choice.proof).toMatch(/^vendor number from our table \(AWS CloudHSM Client SDK 5, "AES key wrap with zero padding: RFC 5649"; untested by us\); known-answer tests on session objects: .* both match$/);

  const master = await ceremony(nss, "master-key.yaml", "parameters:\n  threshold: 3\n  cardCount: 5\n", "master-aws-like", { mask: AWS_LIKE });
  const split = (await transcriptOf(master.dir)).events.find((e) => e.type === "escrow.split")!.body;
  expect(split).toMatchObject({ wrapAlgorithm: "RFC 5649", wrapMechanism: AWS_NAME });
  const texts = [...master.result.cardTexts.values()].slice(0, 3);
  const escrowKey = Buffer.from(await combineShares(texts.map((t, i) => decodeShare(t, { label: `card ${i + 1}` }))));
  const kekPath = join(work, "kek-aws-like.bin");
  await run("openssl", ["enc", "-d", "-id-aes256-wrap-pad", "-K", escrowKey.toString("hex"), "-iv", "A65959A6", "-in", join(master.dir, "escrow", "KEK-01.wrapped"), "-out", kekPath]);
  escrowKey.fill(0);
  const kek = await readFile(kekPath);
  await writeFile(kekPath, Buffer.alloc(32));
  const kcv = keyCheckValues(kek);
  kek.fill(0);
  expect({ kcvEcb0: kcv.ecb0, kcvCmac: kcv.cmac }).toEqual({ kcvEcb0: split.kcvEcb0, kcvCmac: split.kcvCmac });

  // A recovery token that lists both 0x210B and the vendor number: by table order the escrow
  // step would take 0x210B; the recovery takes the mechanism the transcript recorded.
  const both: HsmClientOptions["mask"] = { aliasMechanisms: [[AWS_ZERO_PAD, CKM.AES_KEY_WRAP_KWP]] };
  const target = await token("NSS softokn", "recovery");
  expect(await withClient(target, both, (c) => c.call("escrowWrapMechanism"))).toMatchObject({ mechanism: CKM.AES_KEY_WRAP_KWP });
  const holders = ["Hana Holder", "Jun Holder", "Lea Holder"];
  const recovery = await ceremony(target, "key-recovery.yaml", `parameters:\n  bundle: ${JSON.stringify(master.dir)}\n`, "recovery-aws-like", {
    mask: both,
    participants: rehearsalCast(5).filter((p) => p.role !== "share-holder" || holders.includes(p.name)),
    cardTexts: master.result.cardTexts,
  });
  const events = (await transcriptOf(recovery.dir)).events;
  expect(events.find((e) => e.type === "recovery.source")!.body).toMatchObject({ wrapMechanismRecorded: AWS_NAME, wrapMechanismUsed: AWS_NAME });
  expect(events.find((e) => e.type === "escrow.recovered")!.body).toMatchObject({ kcvEcb0: split.kcvEcb0, kcvCmac: split.kcvCmac });
}, 600_000);

test("Luna's vendor number standing for NSS softokn's 0x210A (RFC 3394 + PKCS#7): the known-answer test refuses it, in the preflight and the escrow step alike", async () => {
  const nss = await token("NSS softokn", "luna-like");
  const mask: HsmClientOptions["mask"] = { hideMechanisms: [CKM.AES_KEY_WRAP_KWP, CKM.AES_KEY_WRAP_PAD], aliasMechanisms: [[LUNA_KWP, CKM.AES_KEY_WRAP_PAD]] };
  const report = await preflight(nss, "master-key.yaml", mask);
  const wrap = row(report, "Wrap a key with AES key wrap");
  expect(wrap.verdict).toBe("refused");
  expect(wrap.offered).toContain(
    "0x80000171 (vendor: Luna CKM_AES_KWP) output = RFC 5649 (OpenSSL id-aes256-wrap-pad): failed (vendor number from our table, untested by us; it gives 48 bytes for a 32-byte key, RFC 5649 gives 40; RFC 5649 §6 20-octet vector differs)",
  );
  expect(row(report, "Unwrap a key wrapped").verdict).toBe("refused");
  expect(report.ok).toBe(false);
  await expect(withClient(nss, mask, (c) => c.call("escrowWrapMechanism"))).rejects.toMatchObject({
    code: "HSM_NO_RFC5649_WRAP",
    message: expect.stringContaining("Luna CKM_AES_KWP (0x80000171): its output is not RFC 5649"),
  });
}, 300_000);

test("the unwrap test runs the trial recovery's template before sign-in: SoftHSM2 and NSS softokn pass it, with and without the PIN", async () => {
  for (const implementation of ["SoftHSM2", "NSS softokn"] as const) {
    const t = await token(implementation, "unwrap");
    for (const pin of [undefined, t.tokens[0]!.userPin]) {
      const report = await preflight(t, "master-key.yaml", undefined, pin);
      const kat = report.profile.tests.find((x) => x.name === "unwrap-kcv");
      expect(kat, `${implementation} ${pin ? "with" : "without"} the PIN`).toMatchObject({ outcome: "passed", detail: expect.stringMatching(/, KCVs match$/) });
      expect(row(report, "Unwrap a key wrapped").verdict).toBe("ok");
    }
  }
}, 300_000);

test("a token whose unwrap insists on CKA_VALUE_LEN (Luna before firmware 7.9.3): refused before sign-in, nothing journaled", async () => {
  const soft = await token("SoftHSM2", "value-len");
  const mask: HsmClientOptions["mask"] = { unwrapNeedsValueLen: true };
  const report = await preflight(soft, "master-key.yaml", mask);
  const unwrap = row(report, "Unwrap a key wrapped");
  expect(unwrap.verdict).toBe("refused");
  expect(unwrap.offered).toContain(
    "unwrap into the trial recovery's template, KCVs compared: failed (C_UnwrapKey with CKM_AES_KEY_WRAP_PAD (0x210A) refused the trial recovery's template (CKR_TEMPLATE_INCOMPLETE))",
  );
  expect(unwrap.advice).toMatch(/^This token refuses the trial recovery's unwrap/);
  expect(row(report, "Wrap a key with AES key wrap").verdict).toBe("ok");

  const journal = Journal.open(join(work, "value-len.db"));
  try {
    const text = await readFile(join(SCRIPTS, "master-key.yaml"), "utf8");
    await expect(
      rehearseScript({ script: loadScript(text, "master-key.yaml"), env: soft, tokenLabel: "value-len", journal, outDir: join(work, "value-len"), mask }),
    ).rejects.toMatchObject({ code: "PREFLIGHT_REFUSED", message: expect.stringContaining("Unwrap a key wrapped with RFC 5649") });
    expect(journal.ceremonies()).toEqual([]);
  } finally {
    journal.close();
  }
}, 300_000);

test("a test object the token will not destroy is named in the table, journaled as hsm.object.left, and gone with the preflight's session", async () => {
  const soft = await token("SoftHSM2", "undestroyable");
  const mask: HsmClientOptions["mask"] = { undestroyableLabels: ["ceremony-preflight-signing-EC-P256"] };
  const report = await preflight(soft, "root-ca.yaml", mask);
  expect(report.left).toEqual([
    { label: "ceremony-preflight-signing-EC-P256", what: "session EC public key", code: "CKR_ACTION_PROHIBITED", token: false },
    { label: "ceremony-preflight-signing-EC-P256", what: "session EC private key", code: "CKR_ACTION_PROHIBITED", token: false },
  ]);
  expect(row(report, "Destroy the preflight's test objects")).toEqual({
    need: "Destroy the preflight's test objects",
    steps: "preflight",
    offered:
      'C_DestroyObject refused "ceremony-preflight-signing-EC-P256" (session EC public key, CKR_ACTION_PROHIBITED), "ceremony-preflight-signing-EC-P256" (session EC private key, CKR_ACTION_PROHIBITED)',
    verdict: "unverified",
    advice: "They were session objects and ended with the preflight's session; nothing stays on the token. Expect this token to refuse the ceremony's own clean-up of session keys too.",
  });
  expect(report.ok).toBe(true);

  const { dir } = await ceremony(soft, "root-ca.yaml", 'parameters:\n  subject: "CN=Undestroyable Test Root, O=Test, C=US"\n', "undestroyable", { mask, participants: rehearsalCast(0) });
  const left = (await transcriptOf(dir)).events.filter((e) => e.type === "hsm.object.left").map((e) => e.body);
  expect(left).toEqual([
    { label: "ceremony-preflight-signing-EC-P256", ids: [], objects: ["session EC public key (gone with the preflight's session)"], error: "CKR_ACTION_PROHIBITED" },
    { label: "ceremony-preflight-signing-EC-P256", ids: [], objects: ["session EC private key (gone with the preflight's session)"], error: "CKR_ACTION_PROHIBITED" },
  ]);
  // What the token holds afterwards, by an independent tool: the ceremony's keys, no test object.
  const { stdout } = await run("pkcs11-tool", ["--module", soft.modulePath, "--token-label", "undestroyable", "--login", "--pin", soft.tokens[0]!.userPin, "--list-objects"], {
    env: { ...process.env, ...soft.env },
  });
  expect(stdout).toContain("ROOT-CA-R1");
  expect(stdout).not.toContain("ceremony-preflight");
}, 600_000);
