/**
 * Which PKCS#11 mechanism produces RFC 5649 (AES key wrap with padding) on this token. The escrow
 * blob must unwrap with stock OpenSSL (id-aes256-wrap-pad) and any other HSM years later, so a
 * mechanism is used only when it is proven to produce RFC 5649: CKM_AES_KEY_WRAP_KWP (0x210B)
 * first; CKM_AES_KEY_WRAP_PAD (0x210A) only when a known-answer test on session objects gives
 * RFC 5649's bytes (on PKCS#11 3.0 modules 0x210A is RFC 3394 over PKCS#7 padding, which nothing
 * else unwraps); vendor numbers from a table, marked untested unless the test could run.
 * Runs inside the HSM worker (pkcs11-backend.ts).
 */
import type pkcs11js from "pkcs11js";
import { CKA, CKK, CKM, CKO } from "./constants.ts";
import { DEVICE_LOST_CODES, HsmError, toHsmError } from "./errors.ts";

export interface WrapChoice {
  /** Always RFC 5649: the format of the escrow blob, whatever the token calls it. */
  algorithm: "RFC 5649";
  mechanism: number;
  /** e.g. "CKM_AES_KEY_WRAP_KWP (0x210B)". */
  mechanismName: string;
  /** How we know this mechanism produces RFC 5649 here, in words for the transcript. */
  proof: string;
}

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

const CANDIDATES: Array<{ mechanism: number; name: string; standard: "kwp" | "pad" | "vendor" }> = [
  { mechanism: CKM.AES_KEY_WRAP_KWP, name: "CKM_AES_KEY_WRAP_KWP (0x210B)", standard: "kwp" },
  { mechanism: CKM.AES_KEY_WRAP_PAD, name: "CKM_AES_KEY_WRAP_PAD (0x210A)", standard: "pad" },
  { mechanism: CKM.LUNA_AES_KWP, name: "Luna CKM_AES_KWP (0x80000171)", standard: "vendor" },
];

/** What the choice needs from a session: the mechanism list and raw session-object calls. */
export interface WrapProbeSession {
  mechanisms(): number[];
  createObject(template: pkcs11js.Attribute[]): Buffer;
  wrap(mechanism: number, wrapping: Buffer, key: Buffer): Buffer;
  destroy(handle: Buffer): void;
}

type Kat = "matched" | "differs" | "not-possible";

/** A refusal is a finding about the mechanism; a device going away is not, and must reach the officer as such. */
function rethrowIfDeviceLost(e: unknown, method: string): void {
  const err = toHsmError(e, method);
  if (DEVICE_LOST_CODES.has(err.code) && err.code !== "CKR_GENERAL_ERROR" && err.code !== "CKR_FUNCTION_FAILED") throw err;
}

/** Wraps the vector's key under its KEK with `mechanism`, on public session objects destroyed afterwards. */
export function knownAnswerTest(session: WrapProbeSession, mechanism: number, vector: Vector): Kat {
  const handles: Buffer[] = [];
  const common = [
    { type: CKA.CLASS, value: CKO.SECRET_KEY },
    { type: CKA.TOKEN, value: false },
    { type: CKA.PRIVATE, value: false },
  ];
  try {
    let kek: Buffer;
    let key: Buffer;
    try {
      kek = session.createObject([...common, { type: CKA.KEY_TYPE, value: CKK.AES }, { type: CKA.VALUE, value: Buffer.from(vector.kek) }, { type: CKA.WRAP, value: true }]);
      handles.push(kek);
      key = session.createObject([
        ...common,
        { type: CKA.KEY_TYPE, value: vector.keyType },
        { type: CKA.VALUE, value: Buffer.from(vector.key) },
        { type: CKA.SENSITIVE, value: false },
        { type: CKA.EXTRACTABLE, value: true },
      ]);
      handles.push(key);
    } catch (e) {
      rethrowIfDeviceLost(e, "C_CreateObject");
      return "not-possible";
    }
    try {
      return Buffer.from(session.wrap(mechanism, kek, key)).equals(vector.wrapped) ? "matched" : "differs";
    } catch (e) {
      rethrowIfDeviceLost(e, "C_WrapKey");
      // A module that refuses to wrap the test key with this mechanism did not show RFC 5649.
      return "differs";
    }
  } finally {
    for (const h of handles) {
      try {
        session.destroy(h);
      } catch {
        // Session objects vanish with the session anyway.
      }
    }
  }
}

/**
 * The mechanism this token produces RFC 5649 with, or an error naming what was tried. A candidate
 * must reproduce the escrow-shape vector; the RFC 5649 §6 vector is run too and reported
 * (SoftHSM2's 0x210A pads a 20-octet key with zeros itself, so it fails §6 while its 32-byte
 * output is exactly RFC 5649; the escrow only ever wraps 32-byte AES keys).
 */
export function chooseEscrowWrap(session: WrapProbeSession): WrapChoice {
  const listed = new Set(session.mechanisms());
  const tried: string[] = [];
  for (const c of CANDIDATES) {
    if (!listed.has(c.mechanism)) continue;
    const shape = knownAnswerTest(session, c.mechanism, ESCROW_SHAPE_VECTOR);
    const choice = (proof: string): WrapChoice => ({ algorithm: "RFC 5649", mechanism: c.mechanism, mechanismName: c.name, proof });
    if (shape === "matched" && c.standard === "kwp") {
      return choice(`known-answer test on session objects: ${ESCROW_SHAPE_VECTOR.name} matches RFC 5649, as PKCS#11 3.0 defines CKM_AES_KEY_WRAP_KWP`);
    }
    if (shape === "matched") {
      // 0x210A and vendor numbers mean different things on different modules: the RFC's own vector is run too, and reported.
      const rfc = knownAnswerTest(session, c.mechanism, RFC5649_VECTOR);
      return choice(
        rfc === "matched"
          ? `known-answer tests on session objects: ${RFC5649_VECTOR.name} and ${ESCROW_SHAPE_VECTOR.name} both match`
          : `known-answer test on session objects: ${ESCROW_SHAPE_VECTOR.name} matches RFC 5649; the ${RFC5649_VECTOR.name} ${rfc === "differs" ? "does not (the module pads odd-length keys itself; escrow wraps only 32-byte keys)" : "could not be run"}`,
      );
    }
    if (shape === "not-possible" && c.standard === "kwp") return choice("listed as CKM_AES_KEY_WRAP_KWP (PKCS#11 3.0: RFC 5649); known-answer test not possible on this token");
    if (shape === "not-possible" && c.standard === "vendor") return choice("vendor table, untested");
    tried.push(`${c.name}: ${shape === "differs" ? "its output is not RFC 5649" : "could not be tested"}`);
  }
  throw new HsmError(
    "HSM_NO_RFC5649_WRAP",
    `This token offers no mechanism proven to produce RFC 5649 key wrap with padding${tried.length ? ` (${tried.join("; ")})` : ""}. ` +
      "An escrow made with it could not be recovered elsewhere. Use an HSM that offers CKM_AES_KEY_WRAP_KWP.",
  );
}

/** The name of a wrap mechanism number, for messages and the transcript. */
export function wrapMechanismName(mechanism: number): string {
  return CANDIDATES.find((c) => c.mechanism === mechanism)?.name ?? `0x${mechanism.toString(16).toUpperCase()}`;
}
