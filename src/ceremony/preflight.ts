/**
 * The capability preflight: before anybody signs in, the token is asked for every capability the
 * script needs (preflight-needs.ts) — its mechanism list and CK_MECHANISM_INFO first, then
 * known-answer tests on session objects where the list cannot tell. A ceremony whose needs the
 * token cannot meet does not start (docs/hsm-support.md).
 */
import type { HsmClient } from "../hsm/hsm-client.ts";
import { decideWrap, WRAP_MECHANISMS } from "../hsm/key-wrap-choice.ts";
import { mechanismName } from "../hsm/mechanism-names.ts";
import type { KatName, KatResult, LeftObject } from "../hsm/preflight-types.ts";
import type { TokenSelector } from "../hsm/types.ts";
import type { EventBody } from "../events/index.ts";
import type { LoadedScript } from "./load-script.ts";
import { needsOfScript } from "./preflight-needs.ts";
import { CKF_WRAP, evaluate, evaluateExisting, leftRow, usableWrap, userPinRow, type Context, type ExistingKey, type PreflightRow } from "./preflight-verdicts.ts";

export type { PreflightRow, Verdict } from "./preflight-verdicts.ts";

/** What the token offers, as recorded in the journal and carried by the transcript. */
export interface CapabilityProfile {
  token: { label: string; serial: string; manufacturer: string; model: string; firmware: string };
  mechanisms: Array<{ name: string; minKeySize: number; maxKeySize: number; flags: string }>;
  tests: KatResult[];
  /** The mechanism a known-answer test proved to give RFC 5649, the one the escrow step will use. */
  rfc5649Mechanism: string | null;
  loggedIn: boolean;
}

export interface PreflightReport {
  ok: boolean;
  rows: PreflightRow[];
  profile: CapabilityProfile;
  elapsedMs: number;
  /** Labels of the keys later steps sign with: the login step looks for each once private objects are visible. */
  keysAtLogin: string[];
  /** Test objects the token would not destroy (also a row of the table, and journaled as hsm.object.left). */
  left: LeftObject[];
}

/** The journal's `hsm.preflight` event: the verdicts and the token's capability profile. */
export function preflightEventBody(report: PreflightReport): EventBody<"hsm.preflight"> {
  return { ok: report.ok, elapsedMs: report.elapsedMs, rows: report.rows, profile: report.profile, ...(report.keysAtLogin.length ? { keysAtLogin: report.keysAtLogin } : {}) };
}

/** One `hsm.object.left` per test object the preflight left behind (no step: the preflight comes before them all). */
export function preflightLeftEvents(report: PreflightReport): Array<EventBody<"hsm.object.left">> {
  return report.left.map((o) => ({ label: o.label, ids: [], objects: [o.token ? `${o.what} (still on the token)` : `${o.what} (gone with the preflight's session)`], error: o.code }));
}

const WRAP_KATS: ReadonlySet<KatName> = new Set(WRAP_MECHANISMS.map((m) => m.kat));

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
      // A wrap test only for a mechanism of the table the token lists.
      if (WRAP_KATS.has(t) && !listed.has(WRAP_MECHANISMS.find((m) => m.kat === t)!.mechanism)) continue;
      tests.add(t);
    }
  }
  // The wrap tests first: the unwrap test unwraps with the mechanism they choose.
  const ordered = [...tests].sort((a, b) => Number(WRAP_KATS.has(b)) - Number(WRAP_KATS.has(a)));
  const probe = await client.call("probeCapabilities", { tests: ordered, loggedIn });
  const info = new Map(probe.info.map((i) => [i.mechanism, i]));
  const results = new Map(probe.tests.map((t) => [t.name, t]));
  const context: Context = { info, results, loggedIn, wrap: probe.wrap };
  const rows: PreflightRow[] = [userPinRow(token)];
  const keysAtLogin: string[] = [];
  for (const need of needs) {
    if (need.existingKeyLabel) {
      // A KEK to escrow again is looked for by the step that checks it (escrow.check-previous), right after the login.
      if (!need.existingSecret) keysAtLogin.push(need.existingKeyLabel);
      rows.push(evaluateExisting(need, await existingKey(client, need.existingKeyLabel, loggedIn, need.existingSecret === true), context));
    } else {
      rows.push(evaluate(need, context));
    }
  }
  if (probe.left.length) rows.push(leftRow(probe.left));
  const wrapChoice = decideWrap(usableWrap(context, CKF_WRAP)).choice;
  return {
    ok: rows.every((r) => r.verdict !== "refused"),
    rows,
    profile: {
      token: { label: token.label, serial: token.serial, manufacturer: token.manufacturer, model: token.model, firmware: token.firmware },
      mechanisms: probe.info.map((i) => ({ name: mechanismName(i.mechanism), minKeySize: i.minKeySize, maxKeySize: i.maxKeySize, flags: `0x${i.flags.toString(16)}` })),
      tests: probe.tests,
      rfc5649Mechanism: wrapChoice?.proven ? mechanismName(wrapChoice.mechanism) : null,
      loggedIn,
    },
    elapsedMs: Math.round(performance.now() - started),
    keysAtLogin,
    left: probe.left,
  };
}

/**
 * Signing with a key made earlier. Its private half is what signs, but many tokens (YubiHSM, and
 * SoftHSM2 for CKA_PRIVATE objects) show private objects only after a login: without the PIN a
 * key that cannot be seen is left to the login step, not refused; with the PIN it must be there.
 */
async function existingKey(client: HsmClient, label: string, loggedIn: boolean, secret: boolean): Promise<ExistingKey> {
  const objects = await client.call("findObjects", { label });
  if (secret) {
    const key = objects.find((o) => o.class === "secret");
    if (key) return { keyType: key.keyType, secret: true };
    return loggedIn ? { missing: `no secret key labelled "${label}" is on this token` } : { hidden: `no secret key labelled "${label}" is visible without the PIN` };
  }
  const priv = objects.find((o) => o.class === "private");
  const pub = objects.find((o) => o.class === "public");
  if (loggedIn && !priv) {
    return { missing: pub ? `only the public half of "${label}" is on this token, no private key` : `no key labelled "${label}" is on this token` };
  }
  if (!priv && !pub) return { hidden: `no key labelled "${label}" is visible without the PIN` };
  return { keyType: (pub ?? priv)!.keyType };
}
