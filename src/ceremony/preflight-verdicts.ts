/**
 * The preflight's verdicts: from what the token offers (CK_MECHANISM_INFO) and what its
 * known-answer tests showed, one row per need of the script — need, steps, what the token offers,
 * verdict, and for a refusal what to do (docs/hsm-support.md).
 */
import { decideWrap, WRAP_MECHANISMS, type WrapDecision } from "../hsm/key-wrap-choice.ts";
import { mechanismName } from "../hsm/mechanism-names.ts";
import type { KatName, KatResult, LeftObject, MechanismInfo, WrapEvidence } from "../hsm/preflight-types.ts";
import type { KeyPairAlgorithm, TokenInfo } from "../hsm/types.ts";
import { CKM } from "../hsm/constants.ts";
import { KEY_PAIR_ALGORITHMS, keyPairNeed, type MechanismNeed, type Need } from "./preflight-needs.ts";

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

/** What the verdicts are drawn from. */
export interface Context {
  info: Map<number, MechanismInfo>;
  results: Map<KatName, KatResult>;
  loggedIn: boolean;
  wrap: WrapEvidence[];
}

export const CKF_WRAP = 0x20000;
const CKF_UNWRAP = 0x40000;
const LOGIN_CODES: ReadonlySet<string> = new Set(["CKR_USER_NOT_LOGGED_IN", "CKR_SESSION_READ_ONLY"]);
const PIN_ADVICE = "The token needs the user PIN for this test: `ceremony preflight --login` runs it.";

/** The evidence of the wrap mechanisms the token lists with this flag (or without flags to tell), as the escrow step would weigh it. */
export function usableWrap(ctx: Context, flag: number): WrapEvidence[] {
  return ctx.wrap.filter((e) => check({ mechanism: e.mechanism, flag }, ctx.info).ok);
}

export function userPinRow(token: TokenInfo): PreflightRow {
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

function stepsOf(need: Need): string {
  return need.steps.length ? need.steps.join(", ") : "finish";
}

export function evaluate(need: Need, ctx: Context): PreflightRow {
  if (need.choices) return evaluateChoices(need, ctx);
  if (need.rfc5649) return evaluateWrap(need, ctx);
  const base = { need: need.what, steps: stepsOf(need) };
  const seen: string[] = [];
  let refused = false;
  for (const group of need.mechanisms) {
    const checks = group.map((m) => check(m, ctx.info));
    const met = checks.find((c) => c.ok);
    seen.push(met ? met.text : checks.map((c) => c.text).join(" / "));
    if (!met) refused = true;
  }
  // Alternative tests (CKA_CHECK_VALUE or the KCV probe) need one pass; the others must all pass.
  const any = need.anyTest === true;
  const tests = need.tests.map((t) => ctx.results.get(t)).filter((t): t is KatResult => t !== undefined);
  const failed = tests.filter((t) => t.outcome === "failed");
  const needsLogin = tests.filter((t) => t.outcome === "needs-login");
  const notPossible = tests.filter((t) => t.outcome === "not-possible");
  const passed = tests.filter((t) => t.outcome === "passed");
  if (!refused && tests.length) {
    if (any ? passed.length === 0 && failed.length > 0 && needsLogin.length === 0 && notPossible.length === 0 : failed.length > 0) refused = true;
    seen.push(...tests.map(describeTest));
  }
  if (!refused && need.id === "check-value" && tests.find((t) => t.name === "check-value")?.outcome === "failed") {
    seen.push("KCV-ECB0 will be computed with C_Encrypt on a KCV probe");
  }
  if (refused) return { ...base, offered: seen.join("; "), verdict: "refused", advice: adviceFor(need, ctx) };
  if (!(any && passed.length)) {
    if (needsLogin.length) return { ...base, offered: seen.join("; "), verdict: "unverified", advice: PIN_ADVICE };
    if (notPossible.length) {
      return { ...base, offered: seen.join("; "), verdict: "unverified", advice: `The token made no test object for this (${notPossible.map((t) => t.detail).join("; ")}); the ceremony's own step will show whether it works.` };
    }
  }
  return { ...base, offered: seen.join("; "), verdict: "ok", advice: "" };
}

/**
 * RFC 5649 wrapping or unwrapping: the escrow step's own table and decision (key-wrap-choice.ts)
 * over the wrap tests of the mechanisms the token lists with the flag; unwrapping also needs the
 * trial recovery's unwrap to give the vector key back.
 */
function evaluateWrap(need: Need, ctx: Context): PreflightRow {
  const base = { need: need.what, steps: stepsOf(need) };
  const flag = need.rfc5649 === "wrap" ? CKF_WRAP : CKF_UNWRAP;
  const checks = need.mechanisms[0]!.map((m) => ({ m, c: check(m, ctx.info) }));
  const usable = checks.filter((x) => x.c.ok);
  if (usable.length === 0) return { ...base, offered: checks.map((x) => x.c.text).join(" / "), verdict: "refused", advice: adviceFor(need, ctx) };
  const kats = WRAP_MECHANISMS.filter((w) => usable.some((x) => x.m.mechanism === w.mechanism))
    .map((w) => ctx.results.get(w.kat))
    .filter((t): t is KatResult => t !== undefined);
  const decision: WrapDecision = decideWrap(usableWrap(ctx, flag));
  const choice = decision.choice;
  const seen = [usable.map((x) => x.c.text).join(", "), ...kats.map(describeTest)];
  const unwrapKat = need.rfc5649 === "unwrap" ? ctx.results.get("unwrap-kcv") : undefined;
  if (unwrapKat && choice) seen.push(describeTest(unwrapKat));
  if (choice) seen.push(`${choice.mechanismName} will be used${choice.proven ? "" : " untested"}`);
  const offered = seen.join("; ");
  const needsLogin = kats.some((t) => t.outcome === "needs-login") || unwrapKat?.outcome === "needs-login";
  if (!choice) {
    if (needsLogin) return { ...base, offered, verdict: "unverified", advice: PIN_ADVICE };
    return { ...base, offered, verdict: "refused", advice: adviceFor(need, ctx) };
  }
  if (!choice.proven) {
    if (choice.notTested && LOGIN_CODES.has(choice.notTested) && !ctx.loggedIn) return { ...base, offered, verdict: "unverified", advice: PIN_ADVICE };
    const vendor = WRAP_MECHANISMS.find((w) => w.mechanism === choice.mechanism)?.standard === "vendor";
    return {
      ...base,
      offered,
      verdict: "unverified",
      advice:
        `The token made no test key (${choice.notTested ?? "refused"}), so nothing here shows that ${choice.mechanismName} gives RFC 5649; the escrow would use it ` +
        (vendor ? "on our vendor table's word, untested by us. " : "as PKCS#11 3.0 defines it. ") +
        "Check with the HSM's vendor that its output unwraps with `openssl enc -d -id-aes256-wrap-pad` before the ceremony.",
    };
  }
  if (unwrapKat?.outcome === "failed") {
    return {
      ...base,
      offered,
      verdict: "refused",
      advice: "This token refuses the trial recovery's unwrap (the table says how): the escrow could not be checked or recovered on it. Run this ceremony on an HSM that unwraps it (docs/hsm-support.md).",
    };
  }
  if (unwrapKat?.outcome === "needs-login") return { ...base, offered, verdict: "unverified", advice: PIN_ADVICE };
  if (unwrapKat?.outcome === "not-possible") {
    return { ...base, offered, verdict: "unverified", advice: `The unwrap test could not run (${unwrapKat.detail}); the trial recovery will show whether it works.` };
  }
  return { ...base, offered, verdict: "ok", advice: "" };
}

/** What the token shows under the label of a key an earlier ceremony made (public half, private half). */
export interface ExistingKey {
  keyType?: string;
  /** A secret key (a KEK): found is enough; what it must do is in the step's other needs. */
  secret?: boolean;
  /** Not found where it must be: refused. */
  missing?: string;
  /** Not visible without the PIN: left to the login step. */
  hidden?: string;
}

export function evaluateExisting(need: Need, key: ExistingKey, ctx: Context): PreflightRow {
  const base = { need: need.what, steps: stepsOf(need) };
  if (key.missing) return { ...base, offered: key.missing, verdict: "refused", advice: `Connect the HSM that holds "${need.existingKeyLabel}", or correct the key label in the parameters.` };
  if (key.hidden) {
    return {
      ...base,
      offered: `${key.hidden}: checked at the login step`,
      verdict: "unverified",
      advice: `The token shows no key labelled "${need.existingKeyLabel}" before a login; the login step looks for it and stops there if it is missing (\`ceremony preflight --login\` checks it now).`,
    };
  }
  if (key.secret) return { ...base, offered: `a secret key labelled "${need.existingKeyLabel}" (${key.keyType ?? "type not read"})`, verdict: "ok", advice: "" };
  const sign = key.keyType === "RSA" ? [CKM.SHA256_RSA_PKCS, CKM.RSA_PKCS] : key.keyType === "EC_EDWARDS" ? [CKM.EDDSA] : [CKM.ECDSA];
  return evaluate({ ...need, existingKeyLabel: undefined, mechanisms: [sign.map((mechanism) => ({ mechanism, flag: 0x800 }))] }, ctx);
}

/** Test objects the token would not destroy: named, with the token's answer and where they are now. */
export function leftRow(left: LeftObject[]): PreflightRow {
  const onToken = left.filter((o) => o.token);
  const names = left.map((o) => `"${o.label}" (${o.what}, ${o.code})`);
  return {
    need: "Destroy the preflight's test objects",
    steps: "preflight",
    offered: `C_DestroyObject refused ${names.join(", ")}`,
    verdict: "unverified",
    advice: onToken.length
      ? `Still on the token: ${onToken.map((o) => `"${o.label}" (${o.what})`).join(", ")}; they hold no ceremony key. Delete them with the HSM's own tools, and expect this token to refuse the ceremony's own clean-up too.`
      : "They were session objects and ended with the preflight's session; nothing stays on the token. Expect this token to refuse the ceremony's own clean-up of session keys too.",
  };
}

const TEST_NAMES: Record<KatName, string> = {
  ...(Object.fromEntries(WRAP_MECHANISMS.map((m) => [m.kat, `${mechanismName(m.mechanism)} output = RFC 5649 (OpenSSL id-aes256-wrap-pad)`])) as Record<(typeof WRAP_MECHANISMS)[number]["kat"], string>),
  "unwrap-kcv": "unwrap into the trial recovery's template, KCVs compared",
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
  if (t.outcome === "not-possible") return `${name}: not possible (${t.detail})`;
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
