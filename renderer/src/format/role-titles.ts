/**
 * How roles read on screen. The core's role list lives in src/ceremony/roles.ts, which the
 * renderer may not import (types only); an unknown role is shown as it is spelt.
 */
const TITLES: Record<string, string> = {
  "ceremony-administrator": "Ceremony administrator",
  "crypto-officer": "Crypto officer",
  "internal-witness": "Internal witness",
  "share-holder": "Share holder",
  auditor: "Auditor",
};

export function roleTitle(role: string): string {
  return TITLES[role] ?? role;
}

export function roleTitlePlural(role: string, count: number): string {
  const title = roleTitle(role);
  if (count === 1) return title;
  return title.endsWith("s") ? `${title}es` : `${title}s`;
}
