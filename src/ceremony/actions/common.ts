import type { OutputValue } from "../action-api.ts";

export function fingerprintOutput(label: string, hex: string): OutputValue {
  return { label, kind: "fingerprint", value: hex.toLowerCase() };
}

export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}
