/**
 * Arithmetic in GF(2^11), the field of the share checksum: one element per BIP-39 word.
 *
 * Elements are 11-bit integers, bit i the coefficient of x^i, reduced modulo the primitive
 * trinomial p(x) = x^11 + x^2 + 1 (0x805). It is primitive because x has multiplicative order
 * 2047 = 23 · 89 modulo p (x^23 ≠ 1, x^89 ≠ 1, x^2047 = 1), which test/unit/escrow/gf2048.test.ts
 * checks; so α = x = 0x002 generates the multiplicative group.
 *
 * Multiplication is a fixed 11-step shift-and-add with masks instead of log tables: the
 * operands are share symbols, i.e. secret material, and a data-independent loop costs nothing
 * at this size.
 */
const GF2048_MODULUS = 0x805;
const GF2048_ORDER = 2047;
export const ALPHA = 0x002;

export function gfMul(a: number, b: number): number {
  let result = 0;
  let x = a;
  let y = b;
  for (let i = 0; i < 11; i++) {
    result ^= -(y & 1) & x;
    const carry = -((x >> 10) & 1);
    x = ((x << 1) ^ (carry & GF2048_MODULUS)) & 0x7ff;
    y >>= 1;
  }
  return result;
}

export function gfPow(a: number, exponent: number): number {
  let result = 1;
  let base = a;
  let e = exponent;
  while (e > 0) {
    if (e & 1) result = gfMul(result, base);
    base = gfMul(base, base);
    e >>>= 1;
  }
  return result;
}

/** a^-1 = a^(2^11 - 2) by Fermat; a must not be 0. */
export function gfInv(a: number): number {
  if (a === 0) throw new RangeError("gfInv: 0 has no inverse in GF(2^11)");
  return gfPow(a, GF2048_ORDER - 1);
}

/**
 * The discrete log of a to base α, or -1 for 0. Only the checksum diagnosis uses it, once per
 * failed decode, so a linear search is fine.
 */
export function gfLog(a: number): number {
  if (a === 0) return -1;
  let power = 1;
  for (let e = 0; e < GF2048_ORDER; e++) {
    if (power === a) return e;
    power = gfMul(power, ALPHA);
  }
  throw new RangeError(`gfLog: ${a} is not an element of GF(2^11)`);
}

export function gfDivide(a: number, b: number): number {
  return gfMul(a, gfInv(b));
}
