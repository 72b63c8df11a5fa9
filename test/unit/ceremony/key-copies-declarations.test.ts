/**
 * How the destruction reads the officer's declarations against the listed copies
 * (src/ceremony/actions/key-copies-common.ts): a card by its number and the fingerprint printed on
 * it, a wrapped key by its SHA-256, another token's copy by its serial and how it was destroyed;
 * anything that names no listed copy, or names one twice, is refused with a sentence that says what
 * to check — before the key is destroyed.
 */
import { describe, expect, it } from "vitest";
import type { KeyCopy } from "../../../src/common/key-copies.ts";
import { matchDeclarations, mergeCopies } from "../../../src/ceremony/actions/key-copies-common.ts";

const fp = (n: number): string => `${n.toString(16).padStart(2, "0")}${"ab".repeat(31)}`;
const present = { status: "present", by: null, at: null, note: null } as const;
const copies: KeyCopy[] = [
  { kind: "token", tokenSerial: "HERE01", tokenLabel: "root-hsm", id: "0a0b", origin: "master-key-1", ...present },
  { kind: "token", tokenSerial: "DRILL02", tokenLabel: "drill-hsm", id: "0a0b", origin: "key-recovery-1", ...present },
  ...[1, 2, 3].map((card): KeyCopy => ({ kind: "card", setId: "3f9a81c0d2", card, holder: `Holder ${card}`, fingerprint: fp(card), ...present })),
  { kind: "wrapped-key", setId: "3f9a81c0d2", sha256: "5c9e814dc229da4c".padEnd(64, "0"), path: "escrow/KEK-01.wrapped", ceremonyId: "master-key-1", ...present },
];
const none = { cardsCollected: [], cardsLost: [], wrappedKeysDestroyed: [], tokenCopiesDeclared: [] };

describe("declarations against the listed copies", () => {
  it("matches cards as printed (grouped, any case, 'card' and a colon allowed), a wrapped key by its SHA-256, and another token by serial", () => {
    const m = matchDeclarations(copies, {
      cardsCollected: ["1 01AB ABAB ABAB ABAB", "card 2: 02abababababababab"],
      cardsLost: ["3 03ABABABABABABABAB"],
      wrappedKeysDestroyed: ["5C9E 814D C229 DA4C"],
      tokenCopiesDeclared: ["DRILL02: token zeroised, certificate DC-17"],
    }, "HERE01");
    expect(m.collected.map((c) => c.card)).toEqual([1, 2]);
    expect(m.lost.map((c) => c.card)).toEqual([3]);
    expect(m.blobs.map((c) => c.setId)).toEqual(["3f9a81c0d2"]);
    expect(m.tokens).toEqual([{ copy: copies[1], note: "token zeroised, certificate DC-17" }]);
  });

  it("refuses a card whose printed fingerprint is not the recorded one, naming what card 1 is", () => {
    expect(() => matchDeclarations(copies, { ...none, cardsCollected: ["1 FFFF FFFF FFFF FFFF"] }, "HERE01")).toThrow(
      "cardsCollected: card 1 with share fingerprint FFFF FFFF FFFF FFFF is not a card of this key's escrow sets (card 1 is set 3F9A 81C0 D2: 01AB ABAB ABAB ABAB…). Read the number and fingerprint again from the card; a card that is not on the list is not this key's.",
    );
  });

  it("refuses fewer than 16 hex digits, a card declared twice, this ceremony's own token and a token not listed", () => {
    expect(() => matchDeclarations(copies, { ...none, cardsCollected: ["1 01AB ABAB"] }, "HERE01")).toThrow(/is not a card number followed by the first 16 \(or more\) hex digits/);
    expect(() => matchDeclarations(copies, { ...none, cardsCollected: ["1 01ABABABABABABAB"], cardsLost: ["1 01ABABABABABABAB"] }, "HERE01")).toThrow(
      "Card 1 of set 3F9A 81C0 D2 is declared twice (collected, lost or destroyed): declare each copy once.",
    );
    expect(() => matchDeclarations(copies, { ...none, tokenCopiesDeclared: ["HERE01: wiped"] }, "HERE01")).toThrow(/is this ceremony's token; its copy is destroyed by the destruction step/);
    expect(() => matchDeclarations(copies, { ...none, tokenCopiesDeclared: ["NOPE: wiped"] }, "HERE01")).toThrow("tokenCopiesDeclared: no copy of this key on a token with serial NOPE is listed. Copy the serial from the list of copies.");
    expect(() => matchDeclarations(copies, { ...none, tokenCopiesDeclared: ["DRILL02"] }, "HERE01")).toThrow(/is not "SERIAL: how that token's copy was destroyed"/);
    expect(() => matchDeclarations(copies, { ...none, wrappedKeysDestroyed: ["5c9e"] }, "HERE01")).toThrow(/is not the first 16 \(or more\) hex digits of the SHA-256 of a wrapped key/);
  });
});

describe("merging the copies the inventory and the bundles show", () => {
  it("keeps each copy once, the surer fate winning (destroyed over lost over present) and a known origin kept", () => {
    const lost = { ...copies[2]!, status: "unknown", by: "key-destruction-1", at: "2026-05-01T00:00:00.000Z", note: "declared lost" } as KeyCopy;
    const destroyed = { ...copies[2]!, status: "collected-and-destroyed", by: "key-destruction-2", at: "2026-06-01T00:00:00.000Z", note: null } as KeyCopy;
    const anonymous = { ...copies[0]!, origin: null } as KeyCopy;
    const merged = mergeCopies([anonymous], copies, [destroyed], [lost]);
    expect(merged).toHaveLength(copies.length);
    expect(merged.find((c) => c.kind === "card" && c.card === 1)).toMatchObject({ status: "collected-and-destroyed", by: "key-destruction-2" });
    expect(merged[0]).toMatchObject({ kind: "token", tokenSerial: "HERE01", origin: "master-key-1" });
    expect(merged.map((c) => c.kind)).toEqual(["token", "token", "card", "card", "card", "wrapped-key"]);
  });
});
