/**
 * The one path by which this package signs anything, in Boulder's order: lint the TBS, check
 * that the token's key is the issuer's key, sign, then check the result before anyone sees it:
 * the signed TBS is the linted TBS byte for byte, the outer algorithm equals the inner one,
 * the signature verifies under the issuer's public key, and the lints pass again on the final
 * object.
 */
import type { Signer } from "../signer.ts";
import { encodeOctetAlignedBitString, encodeSequence } from "./der-writer.ts";
import { algorithmIdentifierParts } from "./algorithm-identifier.ts";
import { PkiCheckError, PkiLintError } from "./errors.ts";
import { assertSignerMatchesKey } from "./issuer.ts";
import type { IssuerFacts } from "./issuer.ts";
import { failures, runLints } from "./lints/lint.ts";
import type { Lint, LintResult } from "./lints/lint.ts";
import { SIGNATURE_ALGORITHMS_BY_OID, signatureAlgorithmForKey, verifySignature } from "./signature-algorithm.ts";
import { bitStringOctets, splitSigned } from "./tbs-parts.ts";

export interface SigningPlan<T> {
  /** What is being signed, for messages: "root certificate", "CRL". */
  readonly what: string;
  readonly tbsDer: Buffer;
  /** Where the TBS's own AlgorithmIdentifier sits, to copy into signatureAlgorithm. */
  readonly innerSignatureAlgorithm: (tbsDer: Buffer) => Buffer;
  readonly signer: Signer;
  readonly issuer: IssuerFacts;
  readonly lints: readonly Lint<T>[];
  readonly lintTarget: (tbsDer: Buffer) => T;
  /** Parses the complete signed object with the ASN.1 library; throws when it cannot. */
  readonly parseSigned: (der: Buffer) => void;
  readonly skip: readonly string[];
}

export interface SignedResult {
  readonly der: Buffer;
  readonly lintResults: readonly LintResult[];
}

export async function lintSignAndCheck<T>(plan: SigningPlan<T>): Promise<SignedResult> {
  // Our own copy: neither the caller nor the signer can change the bytes that were linted.
  const tbsDer = Buffer.from(plan.tbsDer);
  const linted = { ...plan, tbsDer };
  const before = runLints(plan.lints, plan.lintTarget(tbsDer), plan.skip);
  const failed = failures(before);
  if (failed.length > 0) throw new PkiLintError(plan.what, failed);

  assertSignerMatchesKey(plan.signer, plan.issuer);
  const key = plan.issuer.key;
  if (!key) throw new PkiCheckError("SIGNER_ALGORITHM_MISMATCH", "The issuer key is of an unsupported kind; nothing was signed.");
  const algorithm = signatureAlgorithmForKey(key.kind);
  const inner = plan.innerSignatureAlgorithm(tbsDer);
  const signature: unknown = await plan.signer.sign(Buffer.from(tbsDer), algorithm.digest);
  if (!(signature instanceof Uint8Array) || signature.length === 0) {
    throw new PkiCheckError("SIGNATURE_INVALID", `The signer returned no signature bytes for the ${plan.what}; check the token and retry the step.`);
  }
  const der = encodeSequence(tbsDer, inner, encodeOctetAlignedBitString(signature));

  const lintResults = checkSignedObject(linted, der);
  return { der, lintResults };
}

/**
 * The post-signing checks on a complete signed object `der` against the plan whose TBS was
 * linted; returns the lint results on the final object, or throws PkiCheckError.
 */
export function checkSignedObject<T>(plan: SigningPlan<T>, der: Buffer): LintResult[] {
  const refuse = (code: ConstructorParameters<typeof PkiCheckError>[0], why: string, cause?: unknown): never => {
    throw new PkiCheckError(code, `The signed ${plan.what} failed its post-signing check: ${why}. Do not publish or use it.`, cause === undefined ? undefined : { cause });
  };
  let parts: ReturnType<typeof splitSigned>;
  try {
    parts = splitSigned(der);
    plan.parseSigned(der);
  } catch (cause) {
    return refuse("SIGNED_OBJECT_MALFORMED", "it does not parse as DER", cause);
  }
  const tbs = Buffer.from(parts.tbs.bytes);
  if (!tbs.equals(plan.tbsDer)) refuse("TBS_MISMATCH", "the signed TBS differs from the linted TBS");
  if (!parts.signatureAlgorithm.bytes.equals(plan.innerSignatureAlgorithm(tbs))) {
    refuse("SIGNATURE_ALGORITHM_MISMATCH", "signatureAlgorithm differs from the signature field inside the TBS (RFC 5280 §4.1.1.2, §5.1.1.2)");
  }
  if (!Buffer.from(plan.signer.spki).equals(plan.issuer.spki)) refuse("SIGNER_KEY_MISMATCH", "the signer's public key changed during signing");
  const verifyAs = SIGNATURE_ALGORITHMS_BY_OID[algorithmIdentifierParts(Buffer.from(parts.signatureAlgorithm.bytes)).oid];
  let signature: Buffer | undefined;
  try {
    signature = bitStringOctets(parts.signatureValue);
  } catch {
    signature = undefined;
  }
  const key = plan.issuer.key;
  if (!verifyAs || !key || !verifyAs.keyKinds.includes(key.kind) || !signature || !verifySignature(key.keyObject, verifyAs.nodeDigest, tbs, signature)) {
    refuse("SIGNATURE_INVALID", "the signature does not verify under the issuer's public key; the token may have signed with a different key or returned a corrupt signature");
  }
  const after = runLints(plan.lints, plan.lintTarget(tbs), plan.skip);
  const failed = failures(after);
  if (failed.length > 0) refuse("POST_SIGN_LINT_FAILED", `lints fail on the final object: ${failed.map((f) => `${f.id}: ${f.message ?? ""}`).join("; ")}`);
  return after;
}
