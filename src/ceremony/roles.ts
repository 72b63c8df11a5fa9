/** The people in the room, by what they do (DESIGN.md, "Users"). */
export const ROLES = ["ceremony-administrator", "crypto-officer", "internal-witness", "share-holder", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/** Minimum head-count per role when a script does not say: dual control needs two witnesses. */
export const DEFAULT_ROLE_MINIMUMS: Record<Role, number> = {
  "ceremony-administrator": 1,
  "crypto-officer": 1,
  "internal-witness": 2,
  "share-holder": 0,
  auditor: 0,
};

export const ROLE_TITLES: Record<Role, string> = {
  "ceremony-administrator": "Ceremony administrator",
  "crypto-officer": "Crypto officer",
  "internal-witness": "Internal witness",
  "share-holder": "Share holder",
  auditor: "Auditor",
};
