/** Reading extensions out of decoded TBS structures. */
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, KeyUsage, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import type { Extension } from "@peculiar/asn1-x509";
import { OID } from "./oids.ts";

export function findExtensions(extensions: readonly Extension[] | undefined, oid: string): Extension[] {
  return (extensions ?? []).filter((e) => e.extnID === oid);
}

export function findExtension(extensions: readonly Extension[] | undefined, oid: string): Extension | undefined {
  return findExtensions(extensions, oid)[0];
}

export function decodeExtension<T>(extension: Extension, type: new () => T): T {
  return AsnConvert.parse(extension.extnValue.buffer, type);
}

export interface BasicConstraintsValue {
  readonly cA: boolean;
  readonly pathLength?: number;
}

export function basicConstraintsOf(extensions: readonly Extension[] | undefined): BasicConstraintsValue | undefined {
  const ext = findExtension(extensions, OID.basicConstraints);
  if (!ext) return undefined;
  const bc = decodeExtension(ext, BasicConstraints);
  return bc.pathLenConstraint === undefined ? { cA: bc.cA } : { cA: bc.cA, pathLength: bc.pathLenConstraint };
}

/** KeyUsage flags as KeyUsageFlags bits, or undefined when the extension is absent. */
export function keyUsageOf(extensions: readonly Extension[] | undefined): number | undefined {
  const ext = findExtension(extensions, OID.keyUsage);
  return ext ? decodeExtension(ext, KeyUsage).toNumber() : undefined;
}

export function subjectKeyIdentifierOf(extensions: readonly Extension[] | undefined): Buffer | undefined {
  const ext = findExtension(extensions, OID.subjectKeyIdentifier);
  return ext ? Buffer.from(decodeExtension(ext, SubjectKeyIdentifier).buffer) : undefined;
}
