import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/journal/canonical-json.ts";
import { buildTranscript } from "../../../src/transcript/build-transcript.ts";
import { TranscriptBuildError } from "../../../src/transcript/errors.ts";
import { serializeTranscript } from "../../../src/transcript/transcript-json.ts";
import { TRANSCRIPT_FORMAT } from "../../../src/transcript/types.ts";
import { checkTranscriptBytes } from "../../../src/transcript/verify-transcript.ts";
import { ceremonyRecords, chain, transcriptInput } from "./fixture.ts";

describe("buildTranscript", () => {
  it("builds a canonical transcript that verifies, with the script hash computed", () => {
    const input = transcriptInput();
    const { transcript, bytes } = buildTranscript(input);
    expect(transcript.format).toBe(TRANSCRIPT_FORMAT);
    expect(transcript.script.sha256).toBe(createHash("sha256").update(input.script.text).digest("hex"));
    expect(bytes.toString("utf8")).toBe(canonicalJson(transcript));
    expect(Object.keys(JSON.parse(bytes.toString()))).toEqual([
      "app", "ceremony", "checkpoint", "events", "format", "host", "hsm", "outputs", "participants", "script", "signer",
    ]);
    expect(checkTranscriptBytes(bytes).failures).toEqual([]);
  });

  it("the fast serializer agrees with generic canonical JSON, also for awkward bodies", () => {
    const records = ceremonyRecords();
    records.splice(1, 0, { actor: "p-co", type: "ceremony.started", body: { ...SAMPLE_BODIES["ceremony.started"], parameters: { "10": 1, "9": ["€", { z: null, a: -0.5e-7 }], "\u00e9": true } } });
    const { transcript } = buildTranscript({ ...transcriptInput(chain(records)), checkpoint: { ceremonyId: "c-2026-001", eventCount: records.length, head: chain(records).at(-1)?.head ?? "" } });
    expect(serializeTranscript(transcript).text).toBe(canonicalJson(transcript));
  });

  it("refuses a broken chain, a wrong checkpoint, or a wrong status, and signs nothing", () => {
    const events = chain(ceremonyRecords());
    const edited = events.map((e, i) => (i === 3 ? ({ ...e, body: { ...e.body, name: "Mallory" } } as typeof e) : e));
    expect(() => buildTranscript(transcriptInput(edited))).toThrow(TranscriptBuildError);
    expect(() => buildTranscript(transcriptInput(edited))).toThrow("event 3: hash does not chain from event 2");
    expect(() => buildTranscript({ ...transcriptInput(), checkpoint: { ...transcriptInput().checkpoint, eventCount: 40 } })).toThrow(
      `checkpoint says 40 events, transcript has ${events.length} (events were removed from the end)`,
    );
    expect(() => buildTranscript({ ...transcriptInput(), ceremony: { ...transcriptInput().ceremony, status: "aborted" } })).toThrow(
      "ceremony status is aborted, but the last event is ceremony.completed, not ceremony.aborted",
    );
  });

  it("refuses secrets anywhere in the transcript", () => {
    const input = transcriptInput();
    expect(() => buildTranscript({ ...input, script: { ...input.script, params: { token: { userPin: "123456" } } } })).toThrow(
      'transcript.script.params.token.userPin: a member named "userPin" holds a secret; secrets never go into a transcript',
    );
  });

  it("refuses participants that do not match who joined, and missing attestations", () => {
    const input = transcriptInput();
    expect(() => buildTranscript({ ...input, participants: input.participants.slice(1) })).toThrow("participant p-admin joined but is not listed in participants");
    const records = ceremonyRecords().filter((r) => !(r.type === "attestation.recorded" && r.body.participantId === "p-w2"));
    expect(() => buildTranscript(transcriptInput(chain(records)))).toThrow("step 1: needs 2 attestations from internal-witness, has 1");
  });

  it.each([
    [{ kind: "certificate", label: "x", file: "../x.pem", sha256: "a".repeat(64), details: {} }, 'output x: file "../x.pem" contains ".."'],
    [{ kind: "certificate", label: "x", file: "certs/x.pem", details: {} }, "outputs.0: file and sha256 go together"],
    [{ kind: "secret-thing", label: "x", details: {} }, "outputs.0.kind"],
    [{ kind: "kcv", label: "x", details: { n: 1 } }, "outputs.0.details.n"],
  ])("refuses a malformed output", (output, message) => {
    expect(() => buildTranscript({ ...transcriptInput(), outputs: [output as never] })).toThrow(message);
  });

  it("refuses unknown members, so nothing is signed that verification ignores", () => {
    const input = transcriptInput();
    expect(() => buildTranscript({ ...input, app: { ...input.app, build: "x" } as never })).toThrow("app: Unrecognized key");
    expect(() => buildTranscript({ ...input, events: input.events.map((e, i) => (i === 2 ? { ...e, note: "x" } : e)) })).toThrow(
      "events[2] must have exactly the members actor, body, ceremonyId, seq, time, type, head",
    );
  });
});
