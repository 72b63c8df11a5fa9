import type { Role } from "../common/roles.ts";

// The role list and titles are pure (the renderer shows them too); the ceremony's rules about
// roles live here.
export { ROLES, ROLE_TITLES, roleTitle, type Role } from "../common/roles.ts";

/** Minimum head-count per role when a script does not say: dual control needs two witnesses. */
export const DEFAULT_ROLE_MINIMUMS: Record<Role, number> = {
  "ceremony-administrator": 1,
  "crypto-officer": 1,
  "internal-witness": 2,
  "share-holder": 0,
  auditor: 0,
};
