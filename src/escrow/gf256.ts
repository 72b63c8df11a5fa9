/**
 * GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B), the field that
 * shamir-secret-sharing 0.0.4 uses (its src/index.ts: tables from HashiCorp Vault's shamir,
 * generator 0xE5). The library does the splitting and combining; this file exists to
 *   - evaluate a fixed polynomial for the published test vectors (the library draws random
 *     coefficients and x-coordinates, so it cannot reproduce fixed shares), and
 *   - check that shares beyond the threshold agree with the polynomial the others define.
 * Shift-and-add with masks, no tables: the operands are secret.
 */
export function gf256Mul(a: number, b: number): number {
  let result = 0;
  let x = a;
  let y = b;
  for (let i = 0; i < 8; i++) {
    result ^= -(y & 1) & x;
    const carry = -((x >> 7) & 1);
    x = ((x << 1) ^ (carry & 0x11b)) & 0xff;
    y >>= 1;
  }
  return result;
}

/** a^-1 = a^254; a must not be 0. */
export function gf256Inv(a: number): number {
  if (a === 0) throw new RangeError("gf256Inv: 0 has no inverse in GF(2^8)");
  let result = 1;
  let base = a;
  for (let e = 254; e > 0; e >>>= 1) {
    if (e & 1) result = gf256Mul(result, base);
    base = gf256Mul(base, base);
  }
  return result;
}

/** Horner evaluation of c[0] + c[1]·x + … + c[d]·x^d. */
export function gf256EvaluatePolynomial(coefficients: ArrayLike<number>, x: number): number {
  let result = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) result = gf256Mul(result, x) ^ (coefficients[i] ?? 0);
  return result;
}

/**
 * The Lagrange basis weights ℓ_i(at) = Π_{j≠i} (at − x_j)/(x_i − x_j) for distinct xs, so that
 * P(at) = Σ y_i·ℓ_i(at) for the polynomial of degree < xs.length through the points.
 */
export function gf256LagrangeWeights(xs: readonly number[], at: number): number[] {
  return xs.map((xi, i) => {
    let numerator = 1;
    let denominator = 1;
    xs.forEach((xj, j) => {
      if (i === j) return;
      numerator = gf256Mul(numerator, at ^ xj);
      denominator = gf256Mul(denominator, xi ^ xj);
    });
    return gf256Mul(numerator, gf256Inv(denominator));
  });
}
