/**
 * PKCS#11 URIs (RFC 7512) naming a token: `pkcs11:token=Root%20CA;serial=1234;model=SoftHSM%20v2`.
 * Only what chooses a token is taken; attributes that name objects or slots, or carry a PIN, are
 * refused with a sentence saying why, so a URI copied from another tool never silently chooses
 * less than it seems to.
 */
import { CeremonyError } from "../errors.ts";
import type { TokenSelector } from "./types.ts";

export class Pkcs11UriError extends CeremonyError {
  constructor(reason: string) {
    super("PKCS11_URI_INVALID", `The token URI is not usable: ${reason}.`);
  }
}

export interface TokenUri extends TokenSelector {
  /** RFC 7512 §2.3 `module-path` query attribute, when given. */
  modulePath?: string;
}

/** RFC 7512 §2.3: the path attributes that describe a token. */
const TOKEN_ATTRIBUTES = new Set(["token", "serial", "model", "manufacturer"]);
/** RFC 7512 §2.3 attributes we understand but refuse, with the reason. */
const REFUSED: Record<string, string> = {
  object: "names an object, not a token",
  id: "names an object, not a token",
  type: "names an object type, not a token",
  "slot-id": "chooses a slot by number, and slot numbers change between runs; choose the token by token= and serial=",
  "slot-description": "describes a slot, not a token",
  "slot-manufacturer": "describes a slot, not a token",
  "library-description": "describes the module; give the module with --module",
  "library-manufacturer": "describes the module; give the module with --module",
  "library-version": "describes the module; give the module with --module",
  "pin-value": "carries a PIN, which would then sit in the shell history; the PIN is typed at the login step",
  "pin-source": "reads the PIN from a file; the PIN is typed at the login step",
  "module-name": "names the module by name; give its path with module-path= or --module",
};

/** RFC 3986 §2.1 percent-decoding of one attribute value, as UTF-8. */
function percentDecode(value: string, attribute: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) throw new Pkcs11UriError(`the value of ${attribute} has a "%" not followed by two hex digits`);
  const bytes = Buffer.from(value.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD")) throw new Pkcs11UriError(`the value of ${attribute} is not UTF-8 after percent-decoding`);
  return text;
}

function attributes(part: string, separator: string, where: string): Array<[string, string]> {
  if (part === "") return [];
  return part.split(separator).map((pair) => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Pkcs11UriError(`"${pair}" in the ${where} is not name=value`);
    return [pair.slice(0, eq).toLowerCase(), pair.slice(eq + 1)];
  });
}

/** Parses a token URI; throws Pkcs11UriError with a sentence naming what is wrong. */
export function parseTokenUri(uri: string): TokenUri {
  if (!/^pkcs11:/i.test(uri)) throw new Pkcs11UriError(`"${uri}" is not a PKCS#11 URI; it must start with "pkcs11:" (RFC 7512)`);
  const rest = uri.slice("pkcs11:".length);
  const q = rest.indexOf("?");
  const path = attributes(q < 0 ? rest : rest.slice(0, q), ";", "path");
  const query = attributes(q < 0 ? "" : rest.slice(q + 1), "&", "query");
  const values = new Map<string, string>();
  for (const [name, raw] of [...path, ...query]) {
    const reason = REFUSED[name];
    if (reason) throw new Pkcs11UriError(`the URI attribute ${name} ${reason}`);
    const known = TOKEN_ATTRIBUTES.has(name) || name === "module-path";
    if (!known && !name.startsWith("x-")) throw new Pkcs11UriError(`the URI attribute "${name}" is not one RFC 7512 defines`);
    if (!known) continue; // RFC 7512 §2.3: vendor attributes (x-…) a parser does not know are ignored.
    if (values.has(name)) throw new Pkcs11UriError(`the URI gives ${name} twice`);
    values.set(name, percentDecode(raw, name));
  }
  const label = values.get("token");
  if (label === undefined || label === "") throw new Pkcs11UriError("the URI must name the token by its label (token=…)");
  const result: TokenUri = { label };
  const serial = values.get("serial");
  const model = values.get("model");
  const manufacturer = values.get("manufacturer");
  const modulePath = values.get("module-path");
  if (serial !== undefined) result.serial = serial;
  if (model !== undefined) result.model = model;
  if (manufacturer !== undefined) result.manufacturer = manufacturer;
  if (modulePath !== undefined) result.modulePath = modulePath;
  return result;
}
