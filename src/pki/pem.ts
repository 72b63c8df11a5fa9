/** PEM text decoding (RFC 7468), strict on input; the one encoder is src/common/pem.ts. */
import type { PemLabel } from "../common/pem.ts";
import { PkiInputError } from "./errors.ts";

export { derToPem, type PemLabel } from "../common/pem.ts";

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes exactly one PEM block whose label is one of `labels`. Whitespace around the block is
 * allowed; any other text, a second block, or base64 that is not canonical is refused, because
 * Buffer.from(…, "base64") would silently skip bad characters.
 */
export function pemToDer(text: string, labels: readonly PemLabel[]): Buffer {
  const what = labels[0] ?? "PEM";
  const fail = (why: string): never => {
    throw new PkiInputError("PEM_MALFORMED", `The ${what} PEM text is malformed: ${why}. Give the file exactly as it was exported.`);
  };
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  const begin = /^-----BEGIN ([A-Z0-9 ]+)-----$/.exec(lines[0] ?? "");
  if (!begin) return fail("it does not start with a -----BEGIN line");
  const label = begin[1] as string;
  if (!(labels as readonly string[]).includes(label)) return fail(`its label is "${label}", expected ${labels.map((l) => `"${l}"`).join(" or ")}`);
  if (lines[lines.length - 1] !== `-----END ${label}-----`) return fail(`it does not end with -----END ${label}-----`);
  const body = lines.slice(1, -1);
  if (body.length === 0) return fail("it has no base64 body");
  for (const line of body) if (!BASE64_LINE.test(line)) return fail("the body has characters outside base64, headers, or a second block");
  const b64 = body.join("");
  if (b64.length % 4 !== 0 || /=[^=]/.test(b64)) return fail("the base64 body has the wrong length or padding in the middle");
  const der = Buffer.from(b64, "base64");
  if (der.toString("base64") !== b64) return fail("the base64 body is not canonical");
  return der;
}
