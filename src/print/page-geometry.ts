/**
 * Every document is A4, with content kept inside a box that also survives printing on US Letter
 * at 100% scale: A4 centred on Letter loses about 25 pt at top and bottom, and Letter is wider, so
 * 64 pt top/bottom and 40 pt left/right leave at least half an inch of printable paper on both.
 */
export const PAGE = { width: 595.28, height: 841.89 } as const;

export const SAFE = {
  left: 40,
  top: 64,
  right: PAGE.width - 40,
  bottom: PAGE.height - 64,
  width: PAGE.width - 80,
  height: PAGE.height - 128,
} as const;
