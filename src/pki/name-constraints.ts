/**
 * The nameConstraints extension (RFC 5280 §4.2.1.10), marked critical as RFC 5280 requires
 * (BR §7.1.2.10.8 tolerates non-critical; this tool does not). GeneralSubtree minimum and
 * maximum are never written (BR §7.1.2.10.8). Encoded by hand because the ASN.1 library's
 * iPAddress handling accepts malformed ranges.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import type { Extension } from "@peculiar/asn1-x509";
import { encodeSequence, encodeTlv } from "./der-writer.ts";
import { buildName } from "./distinguished-name.ts";
import type { DistinguishedNameInput } from "./distinguished-name.ts";
import { PkiInputError } from "./errors.ts";
import { rawExtension } from "./extensions.ts";
import { OID } from "./oids.ts";

export interface NameConstraintsInput {
  /** DNS names, e.g. "example.com" (the name and everything below it), RFC 5280 §4.2.1.10. */
  readonly permittedDNS?: readonly string[];
  readonly excludedDNS?: readonly string[];
  /** CIDR ranges, e.g. "10.0.0.0/8" or "2001:db8::/32", with the host bits zero. */
  readonly permittedIP?: readonly string[];
  readonly excludedIP?: readonly string[];
  /** A mailbox, a host ("example.com") or a domain (".example.com"). */
  readonly permittedEmail?: readonly string[];
  readonly excludedEmail?: readonly string[];
  readonly permittedDirectoryNames?: readonly DistinguishedNameInput[];
  readonly excludedDirectoryNames?: readonly DistinguishedNameInput[];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function dnsName(value: unknown, where: string, leadingDotAllowed: boolean): string {
  const fail = (): never => {
    throw new PkiInputError("NAME_CONSTRAINTS_INVALID", `${where} ${JSON.stringify(value)} is not a lowercase DNS name such as "example.com"${leadingDotAllowed ? ' or ".example.com"' : ""}.`);
  };
  if (typeof value !== "string" || value.length > 253) return fail();
  const body = leadingDotAllowed && value.startsWith(".") ? value.slice(1) : value;
  if (!body.split(".").every((l) => LABEL.test(l))) fail();
  return value;
}

function ipRange(value: unknown, where: string): Buffer {
  const fail = (why: string): never => {
    throw new PkiInputError("NAME_CONSTRAINTS_INVALID", `${where} ${JSON.stringify(value)} ${why}; give a CIDR range such as "10.0.0.0/8" or "2001:db8::/32".`);
  };
  if (typeof value !== "string") return fail("is not text");
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return fail("has no /prefix");
  const address = parseIp(m[1] as string) ?? fail("is not an IPv4 or IPv6 address");
  const prefix = Number(m[2]);
  if (prefix > address.length * 8) fail("has a prefix longer than the address");
  const mask = Buffer.alloc(address.length);
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3] = (mask[bit >> 3] as number) | (0x80 >> (bit & 7));
  if (address.some((b, i) => (b & ~(mask[i] as number)) !== 0)) fail("has host bits set after the prefix");
  return Buffer.concat([address, mask]);
}

function parseIp(text: string): Buffer | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split(".").map(Number);
    return parts.every((p, i) => p <= 255 && String(p) === text.split(".")[i]) ? Buffer.from(parts) : undefined;
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || (text.match(/::/g)?.length ?? 0) > 1) return undefined;
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, "0"), "hex")));
}

function email(value: unknown, where: string): string {
  if (typeof value === "string") {
    const at = value.lastIndexOf("@");
    if (at > 0 && /^[\x21-\x7e]+$/.test(value.slice(0, at))) {
      dnsName(value.slice(at + 1), where, false);
      return value;
    }
    if (at === -1) return dnsName(value, where, true);
  }
  throw new PkiInputError("NAME_CONSTRAINTS_INVALID", `${where} ${JSON.stringify(value)} is not a mailbox, host or ".domain" (RFC 5280 §4.2.1.10).`);
}

function list<T>(values: unknown, where: string, each: (v: unknown, w: string) => T): T[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw new PkiInputError("NAME_CONSTRAINTS_INVALID", `${where} must be a list.`);
  return values.map((v, i) => each(v, `${where}[${i}]`));
}

/** GeneralName choices by context tag (RFC 5280 §4.2.1.6): rfc822Name [1], dNSName [2], directoryName [4], iPAddress [7]. */
function subtrees(input: NameConstraintsInput, kind: "permitted" | "excluded", path: string): Buffer[] {
  const p = `${path}.${kind}`;
  const names = [
    ...list(input[`${kind}DNS`], `${p}DNS`, (v, w) => encodeTlv(0x82, Buffer.from(dnsName(v, w, false), "ascii"))),
    ...list(input[`${kind}IP`], `${p}IP`, (v, w) => encodeTlv(0x87, ipRange(v, w))),
    ...list(input[`${kind}Email`], `${p}Email`, (v, w) => encodeTlv(0x81, Buffer.from(email(v, w), "ascii"))),
    ...list(input[`${kind}DirectoryNames`], `${p}DirectoryNames`, (v, w) => encodeTlv(0xa4, Buffer.from(AsnConvert.serialize(buildName(v as DistinguishedNameInput, w))))),
  ];
  return names.map((n) => encodeSequence(n));
}

export function nameConstraintsExtension(input: NameConstraintsInput, path: string): Extension {
  const permitted = subtrees(input, "permitted", path);
  const excluded = subtrees(input, "excluded", path);
  if (permitted.length === 0 && excluded.length === 0) {
    throw new PkiInputError("NAME_CONSTRAINTS_INVALID", `${path} lists no names; RFC 5280 §4.2.1.10 needs at least one permitted or excluded subtree. Leave nameConstraints out instead.`);
  }
  const parts = [
    ...(permitted.length ? [encodeTlv(0xa0, Buffer.concat(permitted))] : []),
    ...(excluded.length ? [encodeTlv(0xa1, Buffer.concat(excluded))] : []),
  ];
  return rawExtension(OID.nameConstraints, true, encodeSequence(...parts));
}
