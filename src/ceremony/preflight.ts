/**
 * The capability preflight: before anybody signs in, the token is asked for every capability the
 * script needs (preflight-needs.ts) — its mechanism list and CK_MECHANISM_INFO first, then
 * known-answer tests on session objects where the list cannot tell. A ceremony whose needs the
 * token cannot meet does not start (docs/hsm-support.md).
 */
import type { HsmClient } from "../hsm/hsm-client.ts";
import { mechanismName } from "../hsm/mechanism-names.ts";
import type { KatName, KatResult, MechanismInfo } from "../hsm/preflight-types.ts";
import type { KeyPairAlgorithm, TokenInfo, TokenSelector } from "../hsm/types.ts";
import { CKM } from "../hsm/constants.ts";
import type { EventBody } from "../events/index.ts";
import type { LoadedScript } from "./load-script.ts";
import { CKM_AES_KEY_WRAP_KWP, KEY_PAIR_ALGORITHMS, keyPairNeed, needsOfScript, type MechanismNeed, type Need } from "./preflight-needs.ts";

export type Verdict = "ok" | "refused" | "unverified";

export interface PreflightRow {
  need: string;
  /** "3, 4" or "finish" (the transcript signature). */
  steps: string;
  offered: string;
  verdict: Verdict;
  /** For a refusal: what to do; for an unverified need: why it could not be tested. */
  advice: string;
}

/** What the token offers, as recorded in the journal and carried by the transcript. */
export interface CapabilityProfile {
  token: { label: string; serial: string; manufacturer: string; model: string; firmware: string };
  mechanisms: Array<{ name: string; minKeySize: number; maxKeySize: number; flags: string }>;
  tests: KatResult[];
  /** The mechanism whose output matched RFC 5649 §6, if any was tested. */
  rfc5649Mechanism: string | null;
  loggedIn: boolean;
}

export interface PreflightReport {
  ok: boolean;
  rows: PreflightRow[];
  profile: CapabilityProfile;
  elapsedMs: number;
}

/** The journal's `hsm.preflight` event: the verdicts and the token's capability profile. */
export function preflightEventBody(report: PreflightReport): EventBody<"hsm.preflight"> {
  return { ok: report.ok, elapsedMs: report.elapsedMs, rows: report.rows, profile: report.profile };
}

/** A session is open on the token (openToken); `loggedIn` when a user PIN was given for the tests. */
export async function runPreflight(client: HsmClient, selector: TokenSelector, script: LoadedScript, options: { loggedIn?: boolean; openToken?: boolean } = {}): Promise<PreflightReport> {
  const started = performance.now();
  const loggedIn = options.loggedIn === true;
  const token = options.openToken === false ? await client.call("tokenInfo") : await client.call("openToken", selector);
  const needs = needsOfScript(script);
  const listed = new Set(await client.call("mechanisms"));
  const tests = new Set<KatName>();
  for (const need of needs) {
    for (const t of need.tests) {
      if (t === "wrap-kwp" && !listed.has(CKM_AES_KEY_WRAP_KWP)) continue;
      if (t === "wrap-pad" && !listed.has(CKM.AES_KEY_WRAP_PAD)) continue;
      tests.add(t);
    }
  }
  const probe = await client.call("probeCapabilities", { tests: [...tests], loggedIn });
  const info = new Map(probe.info.map((i) => [i.mechanism, i]));
  const results = new Map(probe.tests.map((t) => [t.name, t]));
  const context: Context = { info, results, loggedIn };
  const rows: PreflightRow[] = [userPinRow(token)];
  for (const need of needs) {
    const existing = need.existingKeyLabel ? await existingKeyMechanisms(client, need.existingKeyLabel) : null;
    rows.push(evaluate(existing ? { ...need, mechanisms: existing.mechanisms } : need, context, existing?.missing));
  }
  return {
    ok: rows.every((r) => r.verdict !== "refused"),
    rows,
    profile: {
      token: { label: token.label, serial: token.serial, manufacturer: token.manufacturer, model: token.model, firmware: token.firmware },
      mechanisms: probe.info.map((i) => ({ name: mechanismName(i.mechanism), minKeySize: i.minKeySize, maxKeySize: i.maxKeySize, flags: `0x${i.flags.toString(16)}` })),
      tests: probe.tests,
      rfc5649Mechanism: rfc5649Mechanism(results),
      loggedIn,
    },
    elapsedMs: Math.round(performance.now() - started),
  };
}

interface Context {
  info: Map<number, MechanismInfo>;
  results: Map<KatName, KatResult>;
  loggedIn: boolean;
}

function rfc5649Mechanism(results: Map<KatName, KatResult>): string | null {
  if (results.get("wrap-kwp")?.outcome === "passed") return mechanismName(CKM_AES_KEY_WRAP_KWP);
  if (results.get("wrap-pad")?.outcome === "passed") return mechanismName(CKM.AES_KEY_WRAP_PAD);
  return null;
}

function userPinRow(token: TokenInfo): PreflightRow {
  const f = token.flags;
  const base = { need: "A user PIN to log in with", steps: "login" };
  if (!f.initialized || !f.userPinInitialized) {
    return { ...base, offered: "token or user PIN not initialised", verdict: "refused", advice: "Initialise the token and its user PIN with the HSM's own tools before the ceremony." };
  }
  if (f.userPinLocked) return { ...base, offered: "user PIN locked", verdict: "refused", advice: "The security officer must unlock the user PIN (C_InitPIN) before the ceremony." };
  const warn = f.userPinFinalTry ? "; one try left" : f.userPinCountLow ? "; a wrong PIN was entered before" : "";
  return { ...base, offered: `user PIN set${warn}`, verdict: "ok", advice: "" };
}

/** Checks one mechanism against the need: listed, the key size in range, the flag set. */
function check(m: MechanismNeed, info: Map<number, MechanismInfo>): { ok: boolean; text: string } {
  const name = mechanismName(m.mechanism);
  const i = info.get(m.mechanism);
  if (!i) return { ok: false, text: `no ${name}` };
  const range = i.maxKeySize ? ` ${i.minKeySize}–${i.maxKeySize}` : "";
  if (m.keyBits && i.maxKeySize) {
    // AES sizes are bytes by the standard; some modules report bits. EC sizes are bits.
    const fits = (n: number): boolean => n >= i.minKeySize && n <= i.maxKeySize;
    if (!fits(m.keyBits) && !fits(m.keyBits / 8)) return { ok: false, text: `${name}${range}, not ${m.keyBits} bits` };
  }
  if (m.flag && i.flags && !(i.flags & m.flag)) return { ok: false, text: `${name} listed without the ${flagName(m.flag)} flag` };
  return { ok: true, text: `${name}${range}` };
}

function flagName(flag: number): string {
  return { 0x100: "encrypt", 0x800: "sign", 0x8000: "generate", 0x10000: "generate-key-pair", 0x20000: "wrap", 0x40000: "unwrap" }[flag] ?? `0x${flag.toString(16)}`;
}

/** The first choice the token meets (or at least does not refuse) is the one the ceremony will use. */
function evaluateChoices(need: Need, ctx: Context): PreflightRow {
  const rows = need.choices!.map((algorithm) => ({ algorithm, row: evaluate({ ...need, choices: undefined, algorithm, ...keyPairNeed(algorithm) }, ctx) }));
  const chosen = rows.find((r) => r.row.verdict !== "refused");
  if (chosen) return { ...chosen.row, offered: `${chosen.algorithm} will be used: ${chosen.row.offered}` };
  return {
    ...rows[0]!.row,
    offered: rows.map((r) => `${r.algorithm}: ${r.row.offered}`).join("; "),
    advice: `Every ceremony signs its transcript with a key on the token (${need.choices!.join(", ")}; RSA signing with PKCS#1 v1.5); this token can make none of them. Use another HSM (docs/hsm-support.md).`,
  };
}

function evaluate(need: Need, ctx: Context, missingKey?: string): PreflightRow {
  if (need.choices) return evaluateChoices(need, ctx);
  const steps = need.steps.length ? need.steps.join(", ") : "finish";
  const base = { need: need.what, steps };
  if (missingKey) return { ...base, offered: missingKey, verdict: "refused", advice: `Connect the HSM that holds "${need.existingKeyLabel}", or correct the key label in the parameters.` };
  const seen: string[] = [];
  let refused = false;
  for (const group of need.mechanisms) {
    const checks = group.map((m) => check(m, ctx.info));
    const met = checks.find((c) => c.ok);
    seen.push(met ? met.text : checks.map((c) => c.text).join(" / "));
    if (!met) refused = true;
  }
  // Alternative tests (either wrap mechanism may give RFC 5649) need one pass; the others must all pass.
  const isWrap = need.anyTest === true;
  const tests = need.tests.map((t) => ctx.results.get(t)).filter((t): t is KatResult => t !== undefined);
  const failed = tests.filter((t) => t.outcome === "failed");
  const needsLogin = tests.filter((t) => t.outcome === "needs-login");
  const passed = tests.filter((t) => t.outcome === "passed");
  if (!refused && tests.length) {
    if (isWrap ? passed.length === 0 && failed.length > 0 && needsLogin.length === 0 : failed.length > 0) refused = true;
    seen.push(...tests.map(describeTest));
  }
  if (!refused && isWrap && passed.length === 0 && tests.length === 0) refused = true;
  if (!refused && need.id === "check-value" && tests.find((t) => t.name === "check-value")?.outcome === "failed") {
    seen.push("KCV-ECB0 will be computed with C_Encrypt on a KCV probe");
  }
  if (refused) return { ...base, offered: seen.join("; "), verdict: "refused", advice: adviceFor(need, ctx) };
  if (needsLogin.length && !(isWrap && passed.length)) {
    return { ...base, offered: seen.join("; "), verdict: "unverified", advice: "The token needs the user PIN for this test: `ceremony preflight --login` runs it." };
  }
  return { ...base, offered: seen.join("; "), verdict: "ok", advice: "" };
}

const TEST_NAMES: Record<KatName, string> = {
  "wrap-kwp": "CKM_AES_KEY_WRAP_KWP output = RFC 5649 (OpenSSL id-aes256-wrap-pad)",
  "wrap-pad": "CKM_AES_KEY_WRAP_PAD output = RFC 5649 (OpenSSL id-aes256-wrap-pad)",
  "kek-template": "KEK template",
  "secret-import": "C_CreateObject of an AES key",
  "check-value": "CKA_CHECK_VALUE",
  "kcv-mechanisms": "AES-ECB/AES-CMAC known answers",
  "sign-EC-P256": "signing-key template, P-256 signature verified",
  "sign-EC-P384": "signing-key template, P-384 signature verified",
  destroy: "C_DestroyObject",
};

function describeTest(t: KatResult): string {
  const name = TEST_NAMES[t.name];
  if (t.outcome === "passed") return `${name}: passed${t.detail ? ` (${t.detail})` : ""}`;
  if (t.outcome === "needs-login") return `${name}: not tested without the PIN`;
  return `${name}: failed (${t.detail})`;
}

function offers(algorithm: KeyPairAlgorithm, ctx: Context): boolean {
  const need = keyPairNeed(algorithm);
  const listed = need.mechanisms.every((g) => g.some((m) => check(m, ctx.info).ok));
  return listed && need.tests.every((t) => ctx.results.get(t)?.outcome !== "failed");
}

function adviceFor(need: Need, ctx: Context): string {
  if (need.algorithm) {
    const alternatives = KEY_PAIR_ALGORITHMS.filter((a) => a !== need.algorithm && offers(a, ctx));
    return alternatives.length
      ? `Choose an algorithm this token offers (${alternatives.join(", ")}) in the parameters, or use an HSM that offers ${need.algorithm}.`
      : `This token offers none of the key algorithms the application uses; use another HSM (docs/hsm-support.md).`;
  }
  if (need.id === "destroy") return "This token cannot destroy keys as the ceremony needs; use another HSM.";
  if (need.id === "check-value") return "This token gives neither a key's check value (CKA_CHECK_VALUE) nor AES-ECB to compute it; use an HSM that does (docs/hsm-support.md).";
  return "This token cannot hold or recover an escrowed AES key as the ceremony needs; run this ceremony on an HSM that does (docs/hsm-support.md lists them).";
}

/** Signing with a key made earlier: its type (from the public half, visible without login) tells the mechanism. */
async function existingKeyMechanisms(client: HsmClient, label: string): Promise<{ mechanisms: MechanismNeed[][]; missing?: string }> {
  const objects = await client.call("findObjects", { label });
  const key = objects.find((o) => o.class === "public") ?? objects.find((o) => o.class === "private");
  if (!key) return { mechanisms: [], missing: `no key labelled "${label}" is visible on this token` };
  const sign = key.keyType === "RSA" ? [CKM.SHA256_RSA_PKCS, CKM.RSA_PKCS] : key.keyType === "EC_EDWARDS" ? [CKM.EDDSA] : [CKM.ECDSA];
  return { mechanisms: [sign.map((mechanism) => ({ mechanism, flag: 0x800 }))] };
}
