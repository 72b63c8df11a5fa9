/**
 * A destruction's verdict is recomputed from its own events (src/events/key-copies.ts): a
 * transcript cannot say "destroyed" while a copy it lists remains, and the rule is one rule for
 * every surface (src/common/key-copies.ts).
 */
import { describe, expect, it } from "vitest";
import { copiesVerdict, type KeyCopy } from "../../../src/common/key-copies.ts";
import type { EventBody } from "../../../src/events/index.ts";
import type { Transcript } from "../../../src/transcript/types.ts";
import { checkKeyCopies } from "../../../src/transcript/verify-records.ts";
import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { chain } from "./fixture.ts";

const listed = SAMPLE_BODIES["key.copies.listed"];
const [token, card, blob] = listed.copies as [KeyCopy, KeyCopy, KeyCopy];
const gone = { by: "key-destruction-1", at: "2026-03-01T09:30:05.000Z", note: null };

function transcriptOf(...records: Array<{ type: string; body: unknown }>): Transcript {
  return { events: chain(records.map((r) => ({ actor: "system", ...r }) as never)) } as unknown as Transcript;
}

const start = [
  { type: "hsm.token.selected", body: SAMPLE_BODIES["hsm.token.selected"] },
  { type: "key.copies.listed", body: listed },
  { type: "key.destroyed", body: SAMPLE_BODIES["key.destroyed"] },
];

describe("the copies verdict", () => {
  it("is destroyed only when every copy is accounted for", () => {
    const destroyedToken = { ...token, status: "destroyed", ...gone } as KeyCopy;
    expect(copiesVerdict([destroyedToken, { ...card, status: "collected-and-destroyed", ...gone } as KeyCopy, { ...blob, status: "collected-and-destroyed", ...gone } as KeyCopy])).toBe("destroyed");
    expect(copiesVerdict([destroyedToken, card, blob])).toBe("partly-destroyed");
    expect(copiesVerdict([destroyedToken, { ...card, status: "unknown", ...gone } as KeyCopy, { ...blob, status: "collected-and-destroyed", ...gone } as KeyCopy])).toBe("partly-destroyed");
    expect(copiesVerdict([token, { ...card, status: "collected-and-destroyed", ...gone } as KeyCopy, blob])).toBe("not-destroyed");
    expect(copiesVerdict([])).toBe("not-destroyed");
  });
});

describe("verify recomputes a destruction's verdict", () => {
  const verdict = (body: Partial<EventBody<"key.copies.accounted">>) => ({
    type: "key.copies.accounted",
    body: { label: "KEK-01", verdict: "partly-destroyed", copies: [{ ...token, status: "destroyed", ...gone }, card, blob], ...body },
  });

  it("accepts a verdict that follows from the listed copies and what the ceremony destroyed", () => {
    const t = transcriptOf(...start, verdict({}));
    // The destroyed token copy's time and ceremony come from the key.destroyed event itself.
    expect(checkKeyCopies(t)).toEqual([]);
  });

  it("refuses 'destroyed' while the cards and the wrapped key it lists remain", () => {
    const failures = checkKeyCopies(transcriptOf(...start, verdict({ verdict: "destroyed" })));
    expect(failures.map((f) => f.code)).toEqual(["KEY_COPIES_MISMATCH"]);
    expect(failures[0]!.message).toBe("event 3: the transcript says KEK-01 is destroyed, but the copies it records make it partly-destroyed");
  });

  it("refuses a card marked destroyed in the verdict that no event accounted for", () => {
    const failures = checkKeyCopies(transcriptOf(...start, verdict({ verdict: "destroyed", copies: [{ ...token, status: "destroyed", ...gone }, { ...card, status: "collected-and-destroyed", ...gone }, { ...blob, status: "collected-and-destroyed", ...gone }] as never })));
    expect(failures.map((f) => f.message)).toEqual([
      "event 3: the transcript says KEK-01 is destroyed, but the copies it records make it partly-destroyed",
      expect.stringMatching(/^event 3: the card 1 of escrow set 0A1B 2C3D 4E \(held by Hana Holder\).* is collected-and-destroyed in the verdict, but present in the events before it$/),
      expect.stringMatching(/^event 3: the wrapped key of escrow set 0A1B 2C3D 4E.* is collected-and-destroyed in the verdict, but present in the events before it$/),
    ]);
  });

  it("accepts it once each copy was accounted for by its own event", () => {
    const accounted = (copy: KeyCopy) => ({ type: "key.copy.accounted", body: { label: "KEK-01", copy: { ...copy, status: "collected-and-destroyed", ...gone } } });
    const all = [{ ...token, status: "destroyed", ...gone }, { ...card, status: "collected-and-destroyed", ...gone }, { ...blob, status: "collected-and-destroyed", ...gone }];
    expect(checkKeyCopies(transcriptOf(...start, accounted(card), accounted(blob), verdict({ verdict: "destroyed", copies: all as never })))).toEqual([]);
  });

  it("refuses copies accounted for without a list of copies", () => {
    const failures = checkKeyCopies(transcriptOf({ type: "key.copy.accounted", body: SAMPLE_BODIES["key.copy.accounted"] }));
    expect(failures.map((f) => f.message)).toEqual(["event 0: copies are accounted for, but the transcript lists no copies of the key (no key.copies.listed)"]);
  });
});
