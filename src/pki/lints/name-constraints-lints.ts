/** Name constraints lints (RFC 5280 §4.2.1.10; CA/B BR §7.1.2.10.8). */
import { NameConstraints } from "@peculiar/asn1-x509";
import { decodeExtension, findExtension } from "../extension-access.ts";
import { OID } from "../oids.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const nc = (t: CertificateLintTarget) => findExtension(t.extensions, OID.nameConstraints);
const present = (t: CertificateLintTarget): boolean => nc(t) !== undefined;

export const NAME_CONSTRAINTS_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_name_constraints_critical",
    source: "RFC 5280 §4.2.1.10 (conforming CAs MUST mark it critical)",
    description: "nameConstraints is critical.",
    appliesTo: present,
    check: (t) => (nc(t)?.critical ? undefined : "nameConstraints is not critical"),
  },
  {
    id: "e_name_constraints_not_empty",
    source: "RFC 5280 §4.2.1.10",
    description: "nameConstraints has at least one permitted or excluded subtree.",
    appliesTo: present,
    check: (t) => {
      const value = decodeExtension(nc(t) as NonNullable<ReturnType<typeof nc>>, NameConstraints);
      return (value.permittedSubtrees?.length ?? 0) + (value.excludedSubtrees?.length ?? 0) > 0 ? undefined : "nameConstraints has no subtrees";
    },
  },
  {
    id: "e_name_constraints_no_min_max",
    source: "BR §7.1.2.10.8; RFC 5280 §4.2.1.10 (minimum 0, maximum absent)",
    description: "No GeneralSubtree carries a minimum or maximum.",
    appliesTo: present,
    check: (t) => {
      const value = decodeExtension(nc(t) as NonNullable<ReturnType<typeof nc>>, NameConstraints);
      const all = [...(value.permittedSubtrees ?? []), ...(value.excludedSubtrees ?? [])];
      return all.some((s) => s.minimum !== 0 || s.maximum !== undefined) ? "a GeneralSubtree has a minimum or maximum" : undefined;
    },
  },
];
