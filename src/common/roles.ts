/**
 * The people in the room, by what they do, and how each role reads on every surface (terminal,
 * screens, cards, sheets). Pure so the renderer shows the same titles as the core.
 */
export const ROLES = ["ceremony-administrator", "crypto-officer", "internal-witness", "share-holder", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = {
  "ceremony-administrator": "Ceremony administrator",
  "crypto-officer": "Crypto officer",
  "internal-witness": "Internal witness",
  "share-holder": "Share holder",
  auditor: "Auditor",
};

function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}

/** "Crypto officer" for "crypto-officer"; a role this build does not know is shown as it is spelt. */
export function roleTitle(role: string): string {
  return isRole(role) ? ROLE_TITLES[role] : role;
}

/** "Internal witnesses" for two or more; one keeps the singular. */
export function roleTitlePlural(role: string, count: number): string {
  const title = roleTitle(role);
  if (count === 1) return title;
  return title.endsWith("s") ? `${title}es` : `${title}s`;
}
