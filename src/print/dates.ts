/**
 * "2025-06-01 09:30 UTC" for an ISO date-time, or the date alone when no time was given. Printed
 * in UTC because the journal records UTC, and a reader comparing paper to transcript should see
 * the same clock.
 */
export function formatPrintedDate(iso: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`
  );
}

/** "09:30:12" (UTC) for step times on sheets, where the date is already in the header. */
export function formatPrintedTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}
