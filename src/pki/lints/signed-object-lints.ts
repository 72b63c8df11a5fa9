/** Lints that apply to certificates and CRLs alike: signature algorithm and DER (CA/B BR §7.1.3.2; RFC 5280 §4.1, §5.1). */
import { derViolations } from "../der-canonical.ts";
import { algorithmIdentifierParts } from "../algorithm-identifier.ts";
import { signatureAlgorithmForKey } from "../signature-algorithm.ts";
import type { Lint } from "./lint.ts";
import type { SignedObjectLintTarget } from "./targets.ts";

const algorithmOid = (der: Buffer): string => algorithmIdentifierParts(der).oid;

export const SIGNED_OBJECT_LINTS: readonly Lint<SignedObjectLintTarget>[] = [
  {
    id: "e_signature_algorithm_matches_key",
    source: "BR §7.1.3.2; RFC 5280 §4.1.2.3, §5.1.2.2",
    description: "The signature algorithm is the one for the issuer's key: ecdsa-with-SHA256 for P-256, ecdsa-with-SHA384 for P-384, sha256WithRSAEncryption for RSA, Ed25519 for Ed25519.",
    check: (t) => {
      if (!t.issuer.key) return "the issuer key is of an unsupported kind";
      const expected = signatureAlgorithmForKey(t.issuer.key.kind);
      const actual = algorithmOid(t.signatureAlgorithmDer);
      return actual === expected.oid ? undefined : `the signature algorithm is ${actual}; a ${t.issuer.key.label} issuer signs with ${expected.name} (${expected.oid})`;
    },
  },
  {
    id: "e_sig_alg_params",
    source: "BR §7.1.3.2 (exact encodings); RFC 4055 §5 (RSA NULL), RFC 5758 §3.2 (ECDSA absent), RFC 8410 §3 (Ed25519 absent)",
    description: "The AlgorithmIdentifier's parameters are encoded exactly: NULL for RSA, absent for ECDSA and Ed25519.",
    appliesTo: (t) => t.issuer.key !== undefined,
    check: (t) => {
      const expected = signatureAlgorithmForKey(t.issuer.key?.kind ?? "RSA");
      if (algorithmOid(t.signatureAlgorithmDer) !== expected.oid) return undefined;
      return t.signatureAlgorithmDer.equals(expected.der) ? undefined : `the AlgorithmIdentifier is ${t.signatureAlgorithmDer.toString("hex")}, expected ${expected.der.toString("hex")}`;
    },
  },
  {
    id: "e_der_strict",
    source: "RFC 5280 §4.1, §5.1 (DER); X.690 §10–11; BR §7.1.2.11.5",
    description: "The TBS and every extension value are canonical DER.",
    check: (t) => {
      const problems = [...derViolations(t.tbsDer), ...t.extensionValues.flatMap((v) => derViolations(v).map((p) => `extension value: ${p}`))];
      return problems.length === 0 ? undefined : problems.slice(0, 3).join("; ");
    },
  },
];
