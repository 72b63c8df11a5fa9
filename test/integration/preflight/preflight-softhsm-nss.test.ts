/**
 * `ceremony preflight` on the two complete implementations (SoftHSM2, NSS softokn): the table a
 * customer reads, the exit code, the mechanism proven to give RFC 5649, the token URI, and that
 * nothing is left on the token afterwards.
 */
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadScriptFile } from "../../../src/ceremony/load-script.ts";
import { main } from "../../../src/cli/main.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import { preflightCommand } from "../../../src/cli/preflight-command.ts";
import type { Prompter } from "../../../src/cli/prompt.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { createNssToken, NSS_TOKEN_LABEL, type NssTokenEnvironment } from "../../helpers/nss-token.ts";

const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
let soft: RehearsalEnvironment;
let nss: NssTokenEnvironment;
beforeAll(async () => {
  soft = await createRehearsalEnvironment([{ label: "preflight token" }]);
  for (const [k, v] of Object.entries(soft.env)) process.env[k] = v;
  nss = await createNssToken();
});
afterAll(async () => {
  await soft?.cleanup();
  await nss?.cleanup();
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The table row of one need: its first line, up to the verdict. */
function verdictOf(table: string, need: string): string | undefined {
  const line = table.split("\n").find((l) => l.startsWith(need));
  return line?.trim().split(/\s+/).at(-1);
}

test("SoftHSM2: root CA and master key pass; 0x210A is shown to give RFC 5649 for the ceremony's 32-byte keys", async () => {
  const root = await cli(["preflight", join(SCRIPTS, "root-ca.yaml"), "--token", "preflight token"]);
  expect(root.err).toBe("");
  expect(root.code).toBe(0);
  expect(root.out.replace(/\s+/g, " ")).toMatch(/^Preflight of root-ca\.yaml on token "preflight token" \(serial [0-9a-f]{16}, SoftHSM project SoftHSM v2/);
  expect(verdictOf(root.out, "Transcript-signing key")).toBe("OK");
  expect(verdictOf(root.out, "Generate a key pair (EC-P384)")).toBe("OK");
  expect(root.out).toContain("The token meets every need of root-ca.yaml.");

  const master = await cli(["preflight", join(SCRIPTS, "master-key.yaml"), "--token-uri", `pkcs11:token=preflight%20token;serial=${soft.tokens[0]!.serial}`]);
  expect(master.code).toBe(0);
  for (const need of ["Generate an AES-256 KEK", "Wrap a key with AES key wrap", "Unwrap a key wrapped", "Key check values", "Destroy a key"]) {
    expect(verdictOf(master.out, need), need).toBe("OK");
  }
  expect(master.out.replace(/\s+/g, " ")).toContain("CKM_AES_KEY_WRAP_PAD output = RFC 5649 (OpenSSL id-aes256-wrap-pad): passed (RFC 5649 §6 20-octet vector differs (the module pads short keys itself))");
});

test("SoftHSM2 with --login: the tests use the private templates, the PIN is asked once, and nothing stays on the token", async () => {
  let asked = 0;
  const prompter: Prompter = {
    ask: async () => "",
    secret: async () => {
      asked++;
      return Buffer.from(DEFAULT_REHEARSAL_PINS.userPin);
    },
    choice: async () => null,
    clearScreen: () => false,
    close: () => undefined,
  };
  const out: string[] = [];
  const code = await preflightCommand(
    { out: (l) => out.push(l), err: (l) => out.push(l) },
    { script: join(SCRIPTS, "master-key.yaml"), token: "preflight token", login: true },
    () => prompter,
  );
  expect(code).toBe(0);
  expect(asked).toBe(1);
  expect(out.join("\n")).toMatch(/known-answer tests \(logged in\), \d+ ms/);
  // The token and its serial were on screen before the PIN was asked (the first line out).
  expect(out[0]).toMatch(/^Token "preflight token": serial [0-9a-f]{16} \(SoftHSM project SoftHSM v2, firmware [\d.]+\)\.$/);

  const client = await HsmClient.open({ modulePath: soft.modulePath });
  try {
    await client.call("openToken", { label: "preflight token" });
    await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
    expect(await client.call("findObjects", {})).toEqual([]);
  } finally {
    await client.close();
  }
});

test("SoftHSM2: preflight wall time (module load to verdict) is printed for the note", async () => {
  const { script } = await loadScriptFile(join(SCRIPTS, "master-key.yaml"));
  const started = performance.now();
  const report = await preflightOnModule({ modulePath: soft.modulePath }, { label: "preflight token" }, script);
  const wall = Math.round(performance.now() - started);
  console.log(`preflight SoftHSM2 master-key: ${report.elapsedMs} ms probing, ${wall} ms with module load`);
  expect(report.ok).toBe(true);
  expect(report.profile.rfc5649Mechanism).toBe("CKM_AES_KEY_WRAP_PAD");
});

test("NSS softokn: 0x210B gives RFC 5649 and 0x210A does not; the KEK check value comes from the KCV probe", async () => {
  const args = ["--module", nss.modulePath, "--module-args", nss.moduleArgs, "--token", NSS_TOKEN_LABEL];
  const root = await cli(["preflight", join(SCRIPTS, "root-ca.yaml"), ...args]);
  expect(root.code).toBe(0);
  const master = await cli(["preflight", join(SCRIPTS, "master-key.yaml"), ...args]);
  expect(verdictOf(master.out, "Wrap a key with AES key wrap")).toBe("OK");

  const { script } = await loadScriptFile(join(SCRIPTS, "master-key.yaml"));
  const report = await preflightOnModule({ modulePath: nss.modulePath, moduleArgs: nss.moduleArgs }, { label: NSS_TOKEN_LABEL }, script);
  const test = (name: string) => report.profile.tests.find((t) => t.name === name);
  expect(test("wrap-kwp")).toEqual({ name: "wrap-kwp", outcome: "passed", detail: "RFC 5649 §6 vector matched" });
  expect(test("wrap-pad")).toEqual({ name: "wrap-pad", outcome: "failed", detail: "it gives 48 bytes for a 32-byte key, RFC 5649 gives 40; RFC 5649 §6 20-octet vector differs" });
  expect(report.profile.rfc5649Mechanism).toBe("CKM_AES_KEY_WRAP_KWP");
  // NSS gives no CKA_CHECK_VALUE for AES; the KEK's KCV then comes from the KCV probe (C_Encrypt).
  const checkValue = report.rows.find((r) => r.need.startsWith("A KEK's check value"))!;
  expect(checkValue.verdict).toBe("ok");
  expect(checkValue.offered).toBe("CKA_CHECK_VALUE: failed (CKR_ATTRIBUTE_TYPE_INVALID); AES-ECB/AES-CMAC known answers: passed; KCV-ECB0 will be computed with C_Encrypt on a KCV probe");
  expect(master.code).toBe(0);
  expect(report.ok).toBe(true);
});

test("a token URI that chooses by slot is refused with the reason, before any HSM call", async () => {
  const r = await cli(["preflight", join(SCRIPTS, "root-ca.yaml"), "--token-uri", "pkcs11:token=preflight%20token;slot-id=0"]);
  expect(r.code).toBe(1);
  expect(r.err).toBe(
    "ceremony preflight: The token URI is not usable: the URI attribute slot-id chooses a slot by number, and slot numbers change between runs; choose the token by token= and serial=. [PKCS11_URI_INVALID]",
  );
});
