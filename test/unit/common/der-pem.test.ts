import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { derToPem } from "../../../src/common/pem.ts";
import { derViolations } from "../../../src/pki/der-canonical.ts";
import { ecdsaRawToDer, unwrapEcPoint } from "../../../src/hsm/public-key.ts";

// The HSM's raw forms, turned into DER by the project's one DER module, checked against Node's
// own encoders and verifiers (OpenSSL underneath), not against the module itself.
describe("EC points and ECDSA signatures through the shared DER module", () => {
  for (const curve of ["P-256", "P-384"] as const) {
    it(`a raw r‖s ${curve} signature becomes DER that OpenSSL verifies`, () => {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
      const message = Buffer.from("ceremony transcript");
      for (let i = 0; i < 20; i++) {
        // Twenty signatures: some r or s has its top bit set (needs a 0x00 pad), some has a leading zero byte.
        const raw = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
        const der = ecdsaRawToDer(raw);
        expect(verify("sha256", message, { key: publicKey, dsaEncoding: "der" }, der)).toBe(true);
        // Node decodes DER leniently; the signature must also be strict, minimal DER (X.690 §10).
        expect(derViolations(der)).toEqual([]);
      }
    });
  }

  it("unwraps CKA_EC_POINT given as a DER OCTET STRING, and takes the bare point too", () => {
    const point = Buffer.alloc(65, 0x04);
    expect(unwrapEcPoint(Buffer.concat([Buffer.from([0x04, 65]), point]), 65)).toEqual(point);
    expect(unwrapEcPoint(point, 65)).toEqual(point);
    expect(() => unwrapEcPoint(Buffer.concat([Buffer.from([0x04, 64]), point.subarray(1)]), 65)).toThrow("CKA_EC_POINT: expected a 65-byte point, got 64");
    expect(() => unwrapEcPoint(Buffer.concat([Buffer.from([0x03, 65]), point]), 65)).toThrow("CKA_EC_POINT: not an OCTET STRING");
    expect(() => unwrapEcPoint(Buffer.from([0x04, 0x81, 65, ...point]), 65)).toThrow(/CKA_EC_POINT: not an OCTET STRING \(a short length was written in long form/);
  });

  it("writes PEM exactly as OpenSSL does", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = publicKey.export({ format: "der", type: "spki" });
    expect(derToPem(spki, "PUBLIC KEY")).toBe(publicKey.export({ format: "pem", type: "spki" }).toString());
    expect(createPublicKey(derToPem(spki, "PUBLIC KEY")).export({ format: "der", type: "spki" })).toEqual(spki);
  });
});
