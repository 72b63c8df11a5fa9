/** The forms a secret could take in a file or a log: raw bytes, hex (either case) and base64. */
export interface Needle {
  name: string;
  bytes: Buffer;
}

export function needlesFor(secret: Buffer, name: string): Needle[] {
  return [
    { name: `${name} (raw)`, bytes: secret },
    { name: `${name} (hex)`, bytes: Buffer.from(secret.toString("hex")) },
    { name: `${name} (HEX)`, bytes: Buffer.from(secret.toString("hex").toUpperCase()) },
    { name: `${name} (base64)`, bytes: Buffer.from(secret.toString("base64")) },
  ];
}
