import { describe, expect, it } from "vitest";
import { PkiInputError, derToPem, pemToDer } from "../../../src/pki/index.ts";

const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

describe("PEM (RFC 7468)", () => {
  it("wraps base64 at 64 characters and round-trips", () => {
    const pem = derToPem(der, "CERTIFICATE");
    const lines = pem.trimEnd().split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
    expect(pemToDer(pem, ["CERTIFICATE"]).equals(der)).toBe(true);
    expect(pemToDer(`\r\n  ${pem.replace(/\n/g, "\r\n")}  \n`, ["CERTIFICATE"]).equals(der)).toBe(true);
  });

  const good = derToPem(der, "CERTIFICATE");
  it.each([
    ["wrong label", derToPem(der, "X509 CRL"), /label is "X509 CRL"/],
    ["text before the block", `Certificate:\n${good}`, /does not start/],
    ["mismatched END", good.replace("END CERTIFICATE", "END X509 CRL"), /does not end/],
    ["a character outside base64", good.replace(/^(-----BEGIN CERTIFICATE-----\n.)/, "$1*"), /outside base64/],
    ["two blocks", `${good}${good}`, /outside base64|does not end/],
    ["empty body", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", /no base64 body/],
    ["non-canonical padding bits", "-----BEGIN CERTIFICATE-----\nAB==\n-----END CERTIFICATE-----", /not canonical/],
    ["padding in the middle", "-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----", /padding in the middle/],
  ])("refuses %s", (_name, text, message) => {
    expect(() => pemToDer(text, ["CERTIFICATE"])).toThrow(PkiInputError);
    expect(() => pemToDer(text, ["CERTIFICATE"])).toThrow(message);
  });
});
