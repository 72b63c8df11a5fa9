import type { OutputValue } from "../action-api.ts";

export function fingerprintOutput(label: string, hex: string): OutputValue {
  return { label, kind: "fingerprint", value: hex.toLowerCase() };
}

export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

export function pemOf(der: Buffer, type: string): string {
  const b64 = der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}
