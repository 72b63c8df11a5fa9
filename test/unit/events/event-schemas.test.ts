import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { EVENT_TYPES, type RecordedEvent, TRANSCRIPT_FORMATS, eventMisfit } from "../../../src/events/index.ts";
import { Journal } from "../../../src/journal/journal.ts";
import { JournalEventInvalidError } from "../../../src/journal/errors.ts";
import { checkTranscriptBytes, verifyBundle } from "../../../src/transcript/index.ts";
import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { useTempDir } from "../journal/temp-dir.ts";

const tempDir = useTempDir();
const V1_BUNDLES = join(import.meta.dirname, "../../fixtures/bundles-v1");

describe("typed events (src/events)", () => {
  it("every event type is appended with a fitting body and read back, typed, exactly as written", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    for (const type of EVENT_TYPES) journal.append("c-1", "system", type, SAMPLE_BODIES[type] as never);
    const events: RecordedEvent[] = journal.events("c-1");
    expect(events.map((e) => e.type)).toEqual(EVENT_TYPES);
    for (const e of events) expect(e.body).toEqual(SAMPLE_BODIES[e.type]);
    journal.close();
  });

  it("refuses an unknown type, an unknown field and a field of the wrong type, naming the type and the field", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    const append = (type: string, body: unknown) => () => journal.append("c-1", "system", type as never, body as never);
    expect(append("step.note", {})).toThrow(JournalEventInvalidError);
    expect(append("step.note", {})).toThrow('Refused to journal a step.note event: type "step.note" is not a known event type.');
    expect(append("step.completed", { stepIndex: 0, milestone: "ab", extra: 1 })).toThrow("Refused to journal a step.completed event: body.extra is not a field of this event.");
    expect(append("share.verified", { keyLabel: "KEK-01", card: "1", participantId: "p-1" })).toThrow(/share\.verified event: body\.card /);
    expect(append("escrow.split", { ...SAMPLE_BODIES["escrow.split"], cards: [{ card: 1 }] })).toThrow(/body\.cards\.0\.participantId/);
    expect(journal.ceremonies()).toEqual([]);
    journal.close();
  });

  it("every v1 bundle written before bodies were typed still verifies, and its events fit the schemas", async () => {
    const bundles = readdirSync(V1_BUNDLES).sort();
    expect(bundles).toHaveLength(6);
    const seen = new Set<string>();
    for (const name of bundles) {
      const dir = join(V1_BUNDLES, name);
      const result = await verifyBundle(dir, { extraChecks: [scriptRecheck] });
      expect(result.failures, name).toEqual([]);
      expect(result.transcript!.format).toBe("ceremony-workstation.transcript.v1");
      for (const e of result.transcript!.events) {
        seen.add(e.type);
        expect(eventMisfit(e.type, e.body), `${name} event ${e.seq}`).toBeNull();
      }
    }
    // The demo's six ceremonies use most of the vocabulary; each of those types is in the v1 list.
    const v1 = TRANSCRIPT_FORMATS["ceremony-workstation.transcript.v1"].eventTypes;
    expect([...seen].filter((t) => !v1.includes(t))).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(27);
  });

  it("verify names the event, its type and the field when a body does not fit its format's schema", () => {
    const bytes = readFileSync(join(V1_BUNDLES, "04-master-key/transcript.json"));
    const t = JSON.parse(bytes.toString("utf8")) as { events: Array<{ seq: number; type: string; body: Record<string, unknown> }> };
    const split = t.events.find((e) => e.type === "escrow.split")!;
    split.body.k = "3";
    const verified = t.events.find((e) => e.type === "share.verified")!;
    verified.type = "share.checked";
    const failures = checkTranscriptBytes(Buffer.from(JSON.stringify(t))).failures.filter((f) => f.code === "EVENT_INVALID");
    expect(failures.map((f) => f.message)).toEqual([
      `event ${split.seq} (escrow.split): body.k Invalid input: expected number, received string`,
      `event ${verified.seq} (share.checked): not an event type of ceremony-workstation.transcript.v1`,
    ]);
  });
});
