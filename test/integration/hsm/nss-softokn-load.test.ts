/**
 * NSS softokn (Debian libnss3) is loaded only with its init string: `--module-args` reaches
 * C_Initialize (with CKF_OS_LOCKING_OK), and without it the officer reads what to pass.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { createNssToken, NSS_TOKEN_LABEL, type NssTokenEnvironment } from "../../helpers/nss-token.ts";

let nss: NssTokenEnvironment;
beforeAll(async () => {
  nss = await createNssToken();
});
afterAll(async () => {
  await nss?.cleanup();
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("ceremony tokens --module-args loads NSS softokn and lists its database token", async () => {
  const r = await cli(["tokens", "--module", nss.modulePath, "--module-args", nss.moduleArgs]);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toContain(`label:        ${NSS_TOKEN_LABEL}`);
  expect(r.out).toMatch(/manufacturer: Mozilla Foundation/);
  expect(r.out).toMatch(/NSS Certificate DB[\s\S]*flags: +initialized, login required/);
});

test("without --module-args NSS softokn is refused in one line that says what to pass", async () => {
  const r = await cli(["tokens", "--module", nss.modulePath]);
  expect(r.code).toBe(1);
  expect(r.err.split("\n")).toHaveLength(1);
  expect(r.err).toMatch(/refused to start without an initialisation string\. Pass it with --module-args .*configdir=/);
  expect(r.err).toContain("[CKR_ARGUMENTS_BAD]");
});

test("a --module-args naming a missing database is refused in one line", async () => {
  const r = await cli(["tokens", "--module", nss.modulePath, "--module-args", `configdir='sql:${nss.dir}/missing' flags=readOnly`]);
  expect(r.code).toBe(1);
  expect(r.err.split("\n")).toHaveLength(1);
  expect(r.err).toMatch(/did not start with the given --module-args/);
});
