/**
 * The witness view's table of a re-escrow's old cards is read from the journal: the check step's
 * cards and the fates its outputs state, then what the revocation recorded. A set of 16 cards
 * (the scripts' maximum) gives 16 rows, in card order.
 */
import { describe, expect, it } from "vitest";
import { oldCardsView } from "../../../src/api/old-cards-view.ts";
import { OLD_CARD_FATES, oldCardOutputPrefix } from "../../../src/ceremony/actions/reescrow-common.ts";
import type { EventBody, OutputValue, RecordedEvent } from "../../../src/events/index.ts";

const FP = (n: number): string => n.toString(16).padStart(2, "0").repeat(32);

function event<T extends "escrow.previous.checked" | "escrow.set.revoked">(type: T, body: EventBody<T>, seq: number): RecordedEvent {
  return { ceremonyId: "re-escrow-1", seq, time: "2026-12-01T10:00:00.000Z", actor: "officer", head: "00", type, body } as RecordedEvent;
}

const cards = Array.from({ length: 16 }, (_, i) => ({ card: 16 - i, holder: `Holder ${16 - i}`, fingerprint: FP(16 - i) }));
const checked = event(
  "escrow.previous.checked",
  {
    keyLabel: "KEK-01",
    keyId: "88fb",
    setId: "EA229D51A6",
    k: 3,
    n: 16,
    kcvEcb0: "B75420",
    kcvCmac: "1A2B3C4D5E",
    wrappedSha256: FP(1),
    wrappedPath: "escrow/KEK-01.wrapped",
    splitByCeremonyId: "master-key-1",
    bundleCeremonyId: "master-key-1",
    bundleScriptId: "master-key",
    bundleSignerSpkiSha256: FP(2),
    source: "bundle",
    cards,
    trigger: "holder-left",
    reason: "Holder 2 left",
  },
  1,
);

/** The check step's outputs: card 2 not handed in, card 3 lost, card 4 accounted for earlier, the rest handed in. */
const checkOutputs: Record<string, OutputValue> = Object.fromEntries(
  cards.map((c) => {
    const fate = c.card === 2 ? OLD_CARD_FATES.out.sentence : c.card === 3 ? OLD_CARD_FATES.lost.sentence : c.card === 4 ? "destroyed by key-destruction-1 on 2026-11-02" : OLD_CARD_FATES.collect.sentence;
    return [`card${c.card}`, { label: `Old card ${c.card}`, kind: "text", value: `${oldCardOutputPrefix(c)}${fate}` }];
  }),
);

describe("old cards on the witness view", () => {
  it("the check step: 16 rows in card order, the fingerprint digits printed on the card, the fate in a few words", () => {
    const view = oldCardsView("escrow.check-previous", checkOutputs, checkOutputs, [checked]);
    expect(view?.setId).toBe("EA22 9D51 A6");
    expect(view?.replaces).toEqual(cards.map((c) => `card${c.card}`).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))));
    expect(view?.rows.map((r) => r.card)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(view?.rows[0]).toEqual({ card: 1, holder: "Holder 1", fingerprint: "0101 0101 0101 0101", fate: "to destroy", tone: "destroy" });
    expect(view?.rows.slice(1, 4).map((r) => [r.fate, r.tone])).toEqual([
      ["NOT handed in", "out"],
      ["LOST or exposed", "lost"],
      ["destroyed by key-destruction-1 on 2026-11-02", "other"],
    ]);
  });

  it("the revocation: the check step's plan until it runs, then what escrow.set.revoked recorded", () => {
    const planned = oldCardsView("escrow.revoke-previous", {}, checkOutputs, [checked]);
    expect(planned).toMatchObject({ recorded: false, replaces: [] });
    expect(planned?.rows[0]?.fate).toBe("to destroy");
    const revoked = event(
      "escrow.set.revoked",
      {
        keyLabel: "KEK-01",
        setId: "EA229D51A6",
        kcvEcb0: "B75420",
        kcvCmac: "1A2B3C4D5E",
        wrappedSha256: FP(1),
        splitByCeremonyId: "master-key-1",
        supersededBySetId: "0B51C7D2E4",
        supersededByWrappedSha256: FP(3),
        trigger: "holder-left",
        reason: "Holder 2 left",
        collected: cards.map((c) => c.card).filter((n) => n > 4),
        lost: [3],
        outstanding: [1, 2],
      },
      2,
    );
    const outputs: Record<string, OutputValue> = { revoked: { label: "Revoked", kind: "text", value: "set EA22 9D51 A6" } };
    const view = oldCardsView("escrow.revoke-previous", outputs, checkOutputs, [checked, revoked]);
    expect(view).toMatchObject({ recorded: true, replaces: ["collected", "lost", "outstanding"] });
    expect(view?.rows.slice(0, 5).map((r) => [r.card, r.fate, r.tone])).toEqual([
      [1, "NOT handed in", "out"],
      [2, "NOT handed in", "out"],
      [3, "LOST or exposed", "lost"],
      [4, "destroyed by key-destruction-1 on 2026-11-02", "other"],
      [5, "destroyed", "destroy"],
    ]);
  });

  it("no table for other steps, nor before the old set is checked", () => {
    expect(oldCardsView("escrow.split", {}, checkOutputs, [checked])).toBeNull();
    expect(oldCardsView("escrow.check-previous", {}, {}, [])).toBeNull();
    expect(oldCardsView("escrow.revoke-previous", {}, {}, [checked])).toBeNull();
  });
});
