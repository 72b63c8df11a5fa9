/** "2.4 s": how long an HSM call has been running. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
