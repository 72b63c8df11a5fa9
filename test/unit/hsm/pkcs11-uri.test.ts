import { describe, expect, it } from "vitest";
import { parseTokenUri } from "../../../src/hsm/pkcs11-uri.ts";

describe("PKCS#11 token URIs (RFC 7512)", () => {
  it.each([
    ["pkcs11:token=Root%20CA", { label: "Root CA" }],
    ["pkcs11:token=Root%20CA;serial=4ecf0df930f3c82e", { label: "Root CA", serial: "4ecf0df930f3c82e" }],
    // RFC 7512 §3 example: attribute names are case-insensitive, values are percent-decoded UTF-8.
    ["pkcs11:TOKEN=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.", { label: "Software PKCS#11 softtoken", manufacturer: "Snake Oil, Inc." }],
    ["pkcs11:token=A;model=SoftHSM%20v2?module-path=/usr/lib/softhsm/libsofthsm2.so", { label: "A", model: "SoftHSM v2", modulePath: "/usr/lib/softhsm/libsofthsm2.so" }],
    ["pkcs11:token=%C3%84rger;x-vendor=ignored", { label: "Ärger" }],
    ["pkcs11:token=semi%3Bcolon%3Dequals", { label: "semi;colon=equals" }],
  ])("%s", (uri, expected) => {
    expect(parseTokenUri(uri)).toEqual(expected);
  });

  it.each([
    ["token=A", '"token=A" is not a PKCS#11 URI; it must start with "pkcs11:" (RFC 7512)'],
    ["pkcs11:serial=1", "the URI must name the token by its label (token=…)"],
    ["pkcs11:token=", "the URI must name the token by its label (token=…)"],
    ["pkcs11:token=A;slot-id=2", "the URI attribute slot-id chooses a slot by number, and slot numbers change between runs; choose the token by token= and serial="],
    ["pkcs11:token=A?pin-value=1234", "the URI attribute pin-value carries a PIN, which would then sit in the shell history; the PIN is typed at the login step"],
    ["pkcs11:token=A;object=key", "the URI attribute object names an object, not a token"],
    ["pkcs11:token=A;colour=red", 'the URI attribute "colour" is not one RFC 7512 defines'],
    ["pkcs11:token=A;token=B", "the URI gives token twice"],
    ["pkcs11:token=A%2", 'the value of token has a "%" not followed by two hex digits'],
    ["pkcs11:token=%FF", "the value of token is not UTF-8 after percent-decoding"],
    ["pkcs11:token", '"token" in the path is not name=value'],
  ])("refuses %s", (uri, reason) => {
    expect(() => parseTokenUri(uri)).toThrow(`The token URI is not usable: ${reason}.`);
  });
});
