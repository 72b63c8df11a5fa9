/**
 * The share checksum: a Reed–Solomon code over GF(2^11) with three check symbols (words).
 *
 * The generator polynomial g(x) = (x − α)(x − α²)(x − α³) has three consecutive powers of α as
 * roots, so by the BCH bound every codeword of length ≤ 2047 differs from every other in at
 * least 4 symbols (MacWilliams & Sloane, "The Theory of Error-Correcting Codes", ch. 7 for the
 * BCH bound, ch. 10 for Reed–Solomon codes being MDS: d = n − k + 1 = 4). The customization
 * prefix below is the same in every codeword, so two valid cards still differ in ≥ 4 words.
 * Hence any change of 1, 2 or 3 words is detected with certainty; that covers any single
 * mistyped word and any swap of two words (neighbouring or not). A random word sequence passes
 * with probability 2048^-3 = 2^-33.
 *
 * Before the data, the four symbols 'C' 'W' 'S' '1' (their ASCII codes) are fed into the code
 * but not written on the card, as SLIP-0039 does with its "shamir" customization string: a word
 * sequence that checks under another scheme built on the same code does not check here.
 *
 * The codeword is read as a polynomial with the first symbol as the highest coefficient:
 * C(x) = Σ c_i x^(L−1−i) over customization ‖ data ‖ check (length L). It is valid iff
 * C(α) = C(α²) = C(α³) = 0.
 */
import { ALPHA, gfDivide, gfLog, gfMul, gfPow } from "./gf2048.ts";

export const CHECK_WORDS = 3;
export const CHECKSUM_CUSTOMIZATION: readonly number[] = Object.freeze([..."CWS1"].map((c) => c.charCodeAt(0)));

/** g(x) = x³ + g[0]x² + g[1]x + g[2]; in characteristic 2, −α^j = α^j. */
export const GENERATOR: readonly number[] = Object.freeze(generatorPolynomial());

function generatorPolynomial(): number[] {
  let poly = [1];
  for (let j = 1; j <= CHECK_WORDS; j++) {
    const root = gfPow(ALPHA, j);
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let i = 0; i < poly.length; i++) {
      next[i] = (next[i] ?? 0) ^ (poly[i] ?? 0);
      next[i + 1] = (next[i + 1] ?? 0) ^ gfMul(poly[i] ?? 0, root);
    }
    poly = next;
  }
  return poly.slice(1);
}

/**
 * The three check symbols for `data`: the remainder of (customization ‖ data)·x³ divided by
 * g(x), highest coefficient first (systematic encoding, so the data words stay readable).
 */
export function checkSymbols(data: ArrayLike<number>): Uint16Array {
  const remainder = new Uint16Array(CHECK_WORDS);
  const feed = (symbol: number): void => {
    const feedback = symbol ^ (remainder[0] ?? 0);
    for (let i = 0; i < CHECK_WORDS - 1; i++) {
      remainder[i] = (remainder[i + 1] ?? 0) ^ gfMul(feedback, GENERATOR[i] ?? 0);
    }
    remainder[CHECK_WORDS - 1] = gfMul(feedback, GENERATOR[CHECK_WORDS - 1] ?? 0);
  };
  for (const symbol of CHECKSUM_CUSTOMIZATION) feed(symbol);
  for (let i = 0; i < data.length; i++) feed(data[i] ?? 0);
  return remainder;
}

/** [C(α), C(α²), C(α³)] for the customization followed by `codeword` (data ‖ check). */
export function syndromes(codeword: ArrayLike<number>): [number, number, number] {
  const result: [number, number, number] = [0, 0, 0];
  for (let j = 1; j <= CHECK_WORDS; j++) {
    const point = gfPow(ALPHA, j);
    let acc = 0;
    for (const symbol of CHECKSUM_CUSTOMIZATION) acc = gfMul(acc, point) ^ symbol;
    for (let i = 0; i < codeword.length; i++) acc = gfMul(acc, point) ^ (codeword[i] ?? 0);
    result[j - 1] = acc;
  }
  return result;
}

export function isCodeword(codeword: ArrayLike<number>): boolean {
  const [s1, s2, s3] = syndromes(codeword);
  return (s1 | s2 | s3) === 0;
}

/**
 * What most likely went wrong with a codeword that does not check, for the error message only:
 * the decoder never accepts a corrected share. A code of distance 4 cannot be both one symbol
 * from one codeword and two from another, so at most one of "single" and "swap" can hold.
 */
export type ChecksumDiagnosis =
  | { kind: "single"; position: number; expected: number }
  | { kind: "swap"; position: number }
  | { kind: "unknown" };

export function diagnoseChecksum(codeword: ArrayLike<number>): ChecksumDiagnosis {
  const single = locateSingleError(codeword);
  if (single) return { kind: "single", ...single };
  const trial = Uint16Array.from(codeword);
  try {
    for (let i = 0; i + 1 < trial.length; i++) {
      if (trial[i] === trial[i + 1]) continue;
      swap(trial, i);
      const valid = isCodeword(trial);
      swap(trial, i);
      if (valid) return { kind: "swap", position: i };
    }
    return { kind: "unknown" };
  } finally {
    trial.fill(0);
  }
}

function swap(symbols: Uint16Array, i: number): void {
  const t = symbols[i] ?? 0;
  symbols[i] = symbols[i + 1] ?? 0;
  symbols[i + 1] = t;
}

/**
 * One error of value e at the symbol of degree d gives S_j = e·α^(jd), so α^d = S2/S1 and
 * S1·S3 = S2² must hold; e = S1 / α^d. (Peterson's decoder for t = 1.)
 */
function locateSingleError(codeword: ArrayLike<number>): { position: number; expected: number } | undefined {
  const [s1, s2, s3] = syndromes(codeword);
  if (s1 === 0 || s2 === 0 || gfMul(s1, s3) !== gfMul(s2, s2)) return undefined;
  const degree = gfLog(gfDivide(s2, s1));
  if (degree < 0 || degree >= codeword.length) return undefined;
  const error = gfDivide(s1, gfPow(ALPHA, degree));
  const position = codeword.length - 1 - degree;
  return { position, expected: (codeword[position] ?? 0) ^ error };
}
