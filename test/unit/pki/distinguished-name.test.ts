import { AsnConvert } from "@peculiar/asn1-schema";
import { describe, expect, it } from "vitest";
import { buildName, nameToString, parseRfc4514 } from "../../../src/pki/distinguished-name.ts";
import { PkiInputError } from "../../../src/pki/index.ts";

const der = (input: Parameters<typeof buildName>[0]): string => Buffer.from(AsnConvert.serialize(buildName(input, "subject"))).toString("hex");

describe("distinguished names", () => {
  it("reads RFC 4514 strings last RDN first (RFC 4514 §2.1)", () => {
    expect(parseRfc4514("CN=Example Root CA,O=Example Ltd,C=GB", "subject")).toEqual([
      { type: "C", value: "GB" },
      { type: "O", value: "Example Ltd" },
      { type: "CN", value: "Example Root CA" },
    ]);
  });

  it("handles escapes, hex pairs and spaces after commas", () => {
    expect(parseRfc4514("CN=Smith\\, J\\2e,  o=Caf\\C3\\A9 \\+ Co, C=FR", "subject")).toEqual([
      { type: "C", value: "FR" },
      { type: "O", value: "Café + Co" },
      { type: "CN", value: "Smith, J." },
    ]);
  });

  it("encodes the same as a list in encoding order, PrintableString when possible, else UTF8String", () => {
    const fromString = der("CN=Example Root CA,O=Example Ltd,C=GB");
    const fromList = der([
      { type: "C", value: "GB" },
      { type: "O", value: "Example Ltd" },
      { type: "CN", value: "Example Root CA" },
    ]);
    expect(fromString).toBe(fromList);
    // SEQUENCE { SET { C PrintableString "GB" }, SET { O PrintableString }, SET { CN PrintableString } }
    expect(fromString).toBe(
      "303d" + "310b300906035504061302" + "4742" +
        "3114301206035504" + "0a130b" + Buffer.from("Example Ltd").toString("hex") +
        "3118301606035504" + "03130f" + Buffer.from("Example Root CA").toString("hex"),
    );
    expect(der("CN=Café")).toContain("0c05" + Buffer.from("Café").toString("hex"));
    expect(der("DC=example")).toContain("16076578616d706c65");
  });

  it("formats a Name back to the RFC 4514 string, escaping specials", () => {
    const name = buildName([{ type: "C", value: "GB" }, { type: "O", value: "A+B, \"C\"" }, { type: "CN", value: "#1" }], "subject");
    expect(nameToString(name)).toBe('CN=\\#1,O=A\\+B\\, \\"C\\",C=GB');
    expect(parseRfc4514(nameToString(name), "s")).toEqual([{ type: "C", value: "GB" }, { type: "O", value: 'A+B, "C"' }, { type: "CN", value: "#1" }]);
  });

  it.each([
    ["", /is empty/],
    ["CN", /has no "="/],
    ["CN=a+O=b", /multi-valued/],
    ["XX=a", /"XX" is not one of/],
    ["CN=#04024869", /hex-encoded/],
    ["CN=a\\zz", /escapes nothing/],
    ["CN=a;b", /must be escaped/],
    ["CN=\\ff", /not valid UTF-8/],
  ])("refuses the string %j", (text, message) => {
    expect(() => buildName(text, "subject")).toThrow(PkiInputError);
    expect(() => buildName(text, "subject")).toThrow(message);
  });

  it.each([
    [[], /subject is empty/],
    [[{ type: "CN", value: "" }], /subject\[0\] \(CN\) has an empty value/],
    [[{ type: "CN", value: "a\u0000b" }], /control character/],
    [[{ type: "CN", value: " a" }], /leading or trailing spaces/],
    [[{ type: "C", value: "G@" }], /PrintableString characters/],
    [[{ type: "DC", value: "exämple" }], /ASCII/],
    [[{ type: "title", value: "x" }], /subject\[0\]\.type "title"/],
  ])("refuses the list %j", (list, message) => {
    expect(() => buildName(list as never, "subject")).toThrow(message);
  });
});
