/** Subject public key lint (CA/B BR §7.1.3.1, §6.1.5). */
import { describePublicKey } from "../public-key.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

export const PUBLIC_KEY_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_spki_algorithm_allowed",
    source: "BR §7.1.3.1, §6.1.5, §6.1.6; RFC 8410 §3 (Ed25519, for private hierarchies)",
    description: "The subject key is P-256, P-384, RSA of 2048–8192 bits, or Ed25519, with the required parameter encoding.",
    check: (t) => {
      const described = describePublicKey(t.parts.subjectPublicKeyInfo.bytes);
      return described.ok ? undefined : described.reason;
    },
  },
];
