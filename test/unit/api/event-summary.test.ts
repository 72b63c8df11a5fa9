/**
 * The auditor screen's timeline names a card set the way the cards print it ("EA22 9D51 A6"), so
 * an auditor holding an old card, or the re-escrow request, finds the set by reading: every event
 * that names a set shows it that way, never as the bare hex the transcript stores.
 */
import { describe, expect, it } from "vitest";
import { eventSummary } from "../../../src/api/views.ts";
import { formatSetId } from "../../../src/common/index.ts";
import type { EventType, RecordedEvent } from "../../../src/events/index.ts";
import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";

const SET_FIELDS = ["setId", "supersededBySetId"] as const;

const withSets = (Object.keys(SAMPLE_BODIES) as EventType[]).filter((type) => SET_FIELDS.some((f) => typeof (SAMPLE_BODIES[type] as Record<string, unknown>)[f] === "string"));

/** Events whose summary names their set(s) (a read-back names the card, not its set). */
const NAMING_THE_SET: EventType[] = ["escrow.split", "escrow.card.delivered", "escrow.set.void-attested", "escrow.set.voided", "recovery.source", "escrow.previous.checked", "escrow.set.revoked"];

describe("event summaries name card sets as the cards print them", () => {
  it("covers the events of escrow, recovery and re-escrow", () => {
    expect(withSets).toEqual(expect.arrayContaining(NAMING_THE_SET));
  });

  it.each(withSets)("%s", (type) => {
    const body = SAMPLE_BODIES[type] as Record<string, unknown>;
    const event = { ceremonyId: "c", seq: 0, time: "2026-01-01T00:00:00.000Z", actor: "system", head: "", type, body } as unknown as RecordedEvent;
    const summary = eventSummary(event, new Map());
    for (const field of SET_FIELDS) {
      const id = body[field];
      if (typeof id !== "string") continue;
      if (NAMING_THE_SET.includes(type)) expect(summary).toContain(formatSetId(id));
      expect(summary).not.toContain(id);
    }
  });
});
