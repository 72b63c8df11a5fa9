/**
 * Which PKCS#11 mechanism produces RFC 5649 (AES key wrap with padding) on this token. The escrow
 * blob must unwrap with stock OpenSSL (id-aes256-wrap-pad) and any other HSM years later, so a
 * mechanism is used only when it is proven to produce RFC 5649: CKM_AES_KEY_WRAP_KWP (0x210B)
 * first; CKM_AES_KEY_WRAP_PAD (0x210A) only when a known-answer test on session objects gives
 * RFC 5649's bytes (on PKCS#11 3.0 modules 0x210A is RFC 3394 over PKCS#7 padding, which nothing
 * else unwraps); vendor numbers from the table below, marked untested by us, proven by the same
 * test where the token allows it. One table and one decision serve the escrow step (in the worker,
 * pkcs11-backend.ts) and the preflight (preflight-probes.ts, src/ceremony/preflight.ts), so the
 * preflight passes exactly what the escrow step will use.
 */
import type pkcs11js from "pkcs11js";
import { CKA, CKK, CKM, CKO } from "./constants.ts";
import { DEVICE_LOST_CODES, HsmError, toHsmError } from "./errors.ts";
import type { KatRun, LeftObject, WrapEvidence, WrapKatName } from "./preflight-types.ts";

export type { KatRun, WrapEvidence };

export interface WrapChoice {
  /** Always RFC 5649: the format of the escrow blob, whatever the token calls it. */
  algorithm: "RFC 5649";
  mechanism: number;
  /** e.g. "CKM_AES_KEY_WRAP_KWP (0x210B)". */
  mechanismName: string;
  /** How we know this mechanism produces RFC 5649 here, in words for the transcript. */
  proof: string;
  /** True when a known-answer test on this token gave RFC 5649's bytes; false when the choice rests on the standard's name or our vendor table. */
  proven: boolean;
  /** Why the test could not run (the token's answer), when it did not. */
  notTested?: string;
}

/** One mechanism the escrow may wrap with, and what we know of it. */
export interface WrapMechanism {
  mechanism: number;
  name: string;
  /** kwp: RFC 5649 by PKCS#11 3.0; pad: RFC 5649 on some modules only; vendor: a vendor's number, untested by us. */
  standard: "kwp" | "pad" | "vendor";
  /** The preflight's known-answer test of it (preflight-types.ts). */
  kat: WrapKatName;
  /** Where the table has it from. */
  source: string;
}

/**
 * In the order they are tried. Vendor numbers mean different things on different vendors' modules,
 * so a vendor entry is used only where the known-answer test gives RFC 5649's bytes, or (marked
 * "untested") where the token allows no test object at all. docs/hsm-support.md names the sources.
 */
export const WRAP_MECHANISMS: readonly WrapMechanism[] = [
  { mechanism: CKM.AES_KEY_WRAP_KWP, name: "CKM_AES_KEY_WRAP_KWP (0x210B)", standard: "kwp", kat: "wrap-kwp", source: "PKCS#11 3.0: RFC 5649" },
  {
    mechanism: CKM.AES_KEY_WRAP_PAD,
    name: "CKM_AES_KEY_WRAP_PAD (0x210A)",
    standard: "pad",
    kat: "wrap-pad",
    source: "PKCS#11 2.40: RFC 5649 on SoftHSM2 and nShield, RFC 3394 over PKCS#7 padding under PKCS#11 3.0",
  },
  {
    mechanism: CKM.LUNA_AES_KWP,
    name: "Luna CKM_AES_KWP (0x80000171)",
    standard: "vendor",
    kat: "wrap-luna-kwp",
    source: "Thales Luna SDK (pycryptoki defines.py), RFC 5649; untested by us",
  },
  {
    mechanism: CKM.CLOUDHSM_AES_KEY_WRAP_ZERO_PAD,
    name: "AWS CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD (0x8000216F)",
    standard: "vendor",
    kat: "wrap-cloudhsm-zero-pad",
    source: 'AWS CloudHSM Client SDK 5, "AES key wrap with zero padding: RFC 5649"; untested by us',
  },
];

interface Vector {
  name: string;
  kek: Buffer;
  keyType: number;
  key: Buffer;
  wrapped: Buffer;
}

/** RFC 5649 §6, first example: a 20-octet key wrapped under a 192-bit KEK. */
export const RFC5649_VECTOR: Vector = {
  name: "RFC 5649 §6 vector (20-octet key, AES-192 KEK)",
  kek: Buffer.from("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "hex"),
  keyType: CKK.GENERIC_SECRET,
  key: Buffer.from("c37b7e6492584340bed12207808941155068f738", "hex"),
  wrapped: Buffer.from("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a", "hex"),
};

/**
 * The escrow's own shape: an AES-256 key under an AES-256 KEK. Expected bytes are RFC 5649 as
 * OpenSSL's id-aes256-wrap-pad and src/escrow/key-wrap.ts compute them (a unit test checks both).
 */
export const ESCROW_SHAPE_VECTOR: Vector = {
  name: "AES-256 key under an AES-256 KEK",
  kek: Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex"),
  keyType: CKK.AES,
  key: Buffer.from("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f", "hex"),
  wrapped: Buffer.from("4a8029243027353b0694cf1bd8fc745bb0ce8a739b19b1960b12426d4c39cfeda926d103ab34e9f6", "hex"),
};

/** What the choice needs from a session: the mechanism list and raw session-object calls. */
export interface WrapProbeSession {
  mechanisms(): number[];
  createObject(template: pkcs11js.Attribute[]): Buffer;
  wrap(mechanism: number, wrapping: Buffer, key: Buffer): Buffer;
  destroy(handle: Buffer): void;
}

export interface KatOptions {
  /** Test objects are private (as the ceremony's are) when a user is logged in. */
  private: boolean;
  /** Test objects are labelled `${labelPrefix}wrap-kek` / `…wrap-key`, so one left behind can be named. */
  labelPrefix: string;
}

/** A refusal is a finding about the mechanism; a device going away is not, and must reach the officer as such. */
function rethrowIfDeviceLost(e: unknown, method: string): string {
  const err = toHsmError(e, method);
  if (DEVICE_LOST_CODES.has(err.code) && err.code !== "CKR_GENERAL_ERROR" && err.code !== "CKR_FUNCTION_FAILED") throw err;
  return err.code;
}

/** Wraps the vector's key under its KEK with `mechanism`, on session objects destroyed afterwards (any that stays is in `left`). */
export function knownAnswerTest(session: WrapProbeSession, mechanism: number, vector: Vector, options: KatOptions, left: LeftObject[] = []): KatRun {
  const made: Array<{ handle: Buffer; label: string; what: string }> = [];
  const common = [
    { type: CKA.CLASS, value: CKO.SECRET_KEY },
    { type: CKA.TOKEN, value: false },
    { type: CKA.PRIVATE, value: options.private },
  ];
  const keyType = vector.keyType === CKK.AES ? "AES" : "generic secret";
  try {
    let kek: Buffer;
    let key: Buffer;
    try {
      const kekLabel = `${options.labelPrefix}wrap-kek`;
      kek = session.createObject([
        ...common,
        { type: CKA.LABEL, value: kekLabel },
        { type: CKA.KEY_TYPE, value: CKK.AES },
        { type: CKA.VALUE, value: Buffer.from(vector.kek) },
        { type: CKA.WRAP, value: true },
      ]);
      made.push({ handle: kek, label: kekLabel, what: "session AES key" });
      const keyLabel = `${options.labelPrefix}wrap-key`;
      key = session.createObject([
        ...common,
        { type: CKA.LABEL, value: keyLabel },
        { type: CKA.KEY_TYPE, value: vector.keyType },
        { type: CKA.VALUE, value: Buffer.from(vector.key) },
        { type: CKA.SENSITIVE, value: false },
        { type: CKA.EXTRACTABLE, value: true },
      ]);
      made.push({ handle: key, label: keyLabel, what: `session ${keyType} key` });
    } catch (e) {
      return { outcome: "not-possible", code: rethrowIfDeviceLost(e, "C_CreateObject") };
    }
    try {
      const wrapped = Buffer.from(session.wrap(mechanism, kek, key));
      return wrapped.equals(vector.wrapped) ? { outcome: "matched" } : { outcome: "differs", length: wrapped.length };
    } catch (e) {
      // A module that refuses to wrap the test key with this mechanism did not show RFC 5649.
      return { outcome: "differs", code: rethrowIfDeviceLost(e, "C_WrapKey") };
    }
  } finally {
    for (const m of made) {
      try {
        session.destroy(m.handle);
      } catch (e) {
        left.push({ label: m.label, what: m.what, code: toHsmError(e, "C_DestroyObject").code, token: false });
      }
    }
  }
}

/** Both known-answer tests of one mechanism. */
export function wrapEvidence(session: WrapProbeSession, mechanism: number, options: KatOptions, left: LeftObject[] = []): WrapEvidence {
  const shape = knownAnswerTest(session, mechanism, ESCROW_SHAPE_VECTOR, options, left);
  const rfc = knownAnswerTest(session, mechanism, RFC5649_VECTOR, options, left);
  return { mechanism, shape, rfc };
}

export interface WrapDecision {
  choice: WrapChoice | null;
  /** One line per listed mechanism tried and not chosen, for messages. */
  tried: string[];
}

function rfcNote(rfc: KatRun): string {
  if (rfc.outcome === "matched") return `the ${RFC5649_VECTOR.name} matches too`;
  if (rfc.outcome === "differs") return `the ${RFC5649_VECTOR.name} does not (the module pads odd-length keys itself; escrow wraps only 32-byte keys)`;
  return `the ${RFC5649_VECTOR.name} could not be run`;
}

/**
 * The choice from the evidence of the listed mechanisms, in table order (a preferred mechanism,
 * e.g. the one a transcript recorded, first). A candidate must reproduce the escrow-shape vector;
 * the RFC 5649 §6 vector is reported (SoftHSM2's 0x210A pads a 20-octet key with zeros itself, so
 * it fails §6 while its 32-byte output is exactly RFC 5649; the escrow only ever wraps 32-byte AES
 * keys). Where the token allows no test object, CKM_AES_KEY_WRAP_KWP is taken by its name and a
 * vendor number by our table, each marked as such; 0x210A never is.
 */
export function decideWrap(evidence: readonly WrapEvidence[], prefer?: number): WrapDecision {
  const ordered = [...WRAP_MECHANISMS].sort((a, b) => Number(b.mechanism === prefer) - Number(a.mechanism === prefer));
  const tried: string[] = [];
  for (const c of ordered) {
    const e = evidence.find((x) => x.mechanism === c.mechanism);
    if (!e) continue;
    const choice = (proof: string, proven: boolean): WrapChoice => ({
      algorithm: "RFC 5649",
      mechanism: c.mechanism,
      mechanismName: c.name,
      proof,
      proven,
      ...(proven ? {} : { notTested: e.shape.code ?? "no test object" }),
    });
    const vendor = c.standard === "vendor" ? `vendor number from our table (${c.source}); ` : "";
    if (e.shape.outcome === "matched") {
      if (c.standard === "kwp") {
        return { choice: choice(`known-answer test on session objects: ${ESCROW_SHAPE_VECTOR.name} matches RFC 5649, as PKCS#11 3.0 defines CKM_AES_KEY_WRAP_KWP; ${rfcNote(e.rfc)}`, true), tried };
      }
      const proof =
        e.rfc.outcome === "matched"
          ? `known-answer tests on session objects: ${RFC5649_VECTOR.name} and ${ESCROW_SHAPE_VECTOR.name} both match`
          : `known-answer test on session objects: ${ESCROW_SHAPE_VECTOR.name} matches RFC 5649; ${rfcNote(e.rfc)}`;
      return { choice: choice(`${vendor}${proof}`, true), tried };
    }
    if (e.shape.outcome === "not-possible" && c.standard === "kwp") {
      return { choice: choice(`listed as CKM_AES_KEY_WRAP_KWP (PKCS#11 3.0: RFC 5649); known-answer test not possible on this token (${e.shape.code ?? "no test object"})`, false), tried };
    }
    if (e.shape.outcome === "not-possible" && c.standard === "vendor") {
      return { choice: choice(`vendor table, untested: ${c.source}; known-answer test not possible on this token (${e.shape.code ?? "no test object"})`, false), tried };
    }
    tried.push(`${c.name}: ${e.shape.outcome === "differs" ? "its output is not RFC 5649" : "could not be tested"}`);
  }
  return { choice: null, tried };
}

/** The mechanisms of the table this token lists, each with its evidence, then the decision. */
export function chooseEscrowWrap(session: WrapProbeSession, options: { prefer?: number | undefined; private?: boolean } = {}): WrapChoice {
  const listed = new Set(session.mechanisms());
  const kat: KatOptions = { private: options.private ?? false, labelPrefix: "ceremony-wrap-test-" };
  // Session objects end with the session, so one the token would not destroy is not kept track of here; the preflight reports them.
  const evidence = WRAP_MECHANISMS.filter((c) => listed.has(c.mechanism)).map((c) => wrapEvidence(session, c.mechanism, kat));
  const { choice, tried } = decideWrap(evidence, options.prefer);
  if (choice) return choice;
  throw new HsmError(
    "HSM_NO_RFC5649_WRAP",
    `This token offers no mechanism proven to produce RFC 5649 key wrap with padding${tried.length ? ` (${tried.join("; ")})` : ""}. ` +
      "An escrow made with it could not be recovered elsewhere. Use an HSM that offers CKM_AES_KEY_WRAP_KWP.",
  );
}

/** The name of a wrap mechanism number, for messages and the transcript. */
export function wrapMechanismName(mechanism: number): string {
  return WRAP_MECHANISMS.find((c) => c.mechanism === mechanism)?.name ?? `0x${mechanism.toString(16).toUpperCase()}`;
}

/** The mechanism number in a name a transcript recorded ("CKM_AES_KEY_WRAP_PAD (0x210A)"), if any. */
export function wrapMechanismOfName(name: string | undefined): number | undefined {
  const hex = name ? /\(0x([0-9A-Fa-f]+)\)\s*$/.exec(name)?.[1] : undefined;
  return hex ? Number.parseInt(hex, 16) : undefined;
}
