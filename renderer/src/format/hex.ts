/** Hex in upper-case groups of four, as the core formats read-aloud values. */
export function hexGroups(hex: string): string {
  return hex.toUpperCase().replace(/(.{4})(?=.)/g, "$1 ");
}

export function isLongHex(value: string): boolean {
  return /^[0-9a-f]{16,}$/i.test(value);
}
