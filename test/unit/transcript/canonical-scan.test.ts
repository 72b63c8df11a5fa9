import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, decodeUtf8Strict } from "../../../src/journal/canonical-json.ts";
import { scanCanonicalTranscript } from "../../../src/transcript/canonical-scan.ts";
import { serializeTranscript } from "../../../src/transcript/transcript-json.ts";
import type { Transcript } from "../../../src/transcript/types.ts";
import { checkTranscriptBytes } from "../../../src/transcript/verify-transcript.ts";
import { buildTranscript } from "../../../src/transcript/build-transcript.ts";
import { ceremonyRecords, chain, transcriptInput } from "./fixture.ts";

/** Runs the fast scan over `text`; returns the record bytes it found, or null when it declined. */
function scan(text: string, transcript: Transcript = JSON.parse(text) as Transcript): Buffer[] | null {
  const bytes = Buffer.from(text, "utf8");
  const records: Buffer[] = [];
  const proven = scanCanonicalTranscript(decodeUtf8Strict(bytes), bytes, transcript, (_i, s1, e1, s2, e2) =>
    records.push(Buffer.concat([bytes.subarray(s1, e1), bytes.subarray(s2, e2)])),
  );
  return proven ? records : null;
}

function transcriptWithBodies(bodies: Array<Record<string, unknown>>): Transcript {
  const records = [...ceremonyRecords()];
  // Any JSON fits ceremony.started's `parameters`, so awkward values ride there (src/events).
  records.splice(1, 0, ...bodies.map((body) => ({ actor: "p-co", type: "ceremony.started", body: { ...SAMPLE_BODIES["ceremony.started"], parameters: body } })));
  return buildTranscript(transcriptInput(chain(records))).transcript;
}

const jsonBody = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as fc.Arbitrary<Record<string, unknown>>;

describe("fast canonical scan", () => {
  it("finds exactly the canonical record bytes of every event when it proves canonical form", () => {
    let proven = 0;
    fc.assert(
      fc.property(fc.array(jsonBody, { maxLength: 4 }), (bodies) => {
        const transcript = transcriptWithBodies(bodies);
        const serialized = serializeTranscript(transcript);
        const records = scan(serialized.text);
        // Declining is allowed (integer-like member names, escaped surrogates); a wrong answer is not.
        if (records !== null) {
          proven++;
          expect(records.map((r) => r.toString("utf8"))).toEqual(serialized.recordJsons);
        }
      }),
      { numRuns: 200 },
    );
    expect(proven).toBeGreaterThan(150);
  });

  it("declines text that is not canonical, whatever was changed", () => {
    const text = serializeTranscript(transcriptWithBodies([{ b: 1, a: "x", n: 1.5 }])).text;
    expect(scan(text)).not.toBeNull();
    const variants = [
      text.replace('{"a":"x","b":1,"n":1.5}', '{"b":1,"a":"x","n":1.5}'),
      text.replace('"n":1.5', '"n":1.50'),
      text.replace('"n":1.5', '"n":15e-1'),
      text.replace('"a":"x"', '"a":"\\u0078"'),
      text.replace('"a":"x"', '"a": "x"'),
      text.replace('{"app"', ' {"app"'),
      `${text}\n`,
      text.replace('"format":', '"format" :'),
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(text);
      expect(scan(variant), variant.slice(0, 80)).toBeNull();
    }
  });

  it("declines member names V8 reorders, and the generic path then accepts them", () => {
    const transcript = transcriptWithBodies([{ "10": 1, "9": 2 }]);
    const text = canonicalJson(transcript);
    expect(text).toContain('{"10":1,"9":2}');
    expect(scan(text)).toBeNull();
    expect(checkTranscriptBytes(Buffer.from(text, "utf8")).failures).toEqual([]);
  });

  it("declines an escaped lone surrogate, which the generic path rejects", () => {
    const text = serializeTranscript(transcriptWithBodies([{ a: "x" }])).text.replace('"a":"x"', '"a":"\\ud800"');
    expect(scan(text)).toBeNull();
    expect(checkTranscriptBytes(Buffer.from(text, "utf8")).failures.map((f) => f.code)).toContain("TRANSCRIPT_NOT_CANONICAL");
  });

  it("handles non-ASCII text: byte offsets, not character offsets", () => {
    const transcript = transcriptWithBodies([{ name: "Zoë Ñúñez 🙂", note: "€" }]);
    const serialized = serializeTranscript(transcript);
    expect(scan(serialized.text)?.map((r) => r.toString("utf8"))).toEqual(serialized.recordJsons);
    expect(checkTranscriptBytes(Buffer.from(serialized.text, "utf8")).failures).toEqual([]);
  });

  it("a non-canonical transcript is still chain-checked by the generic path", () => {
    const { bytes } = buildTranscript(transcriptInput());
    const pretty = Buffer.from(JSON.stringify(JSON.parse(bytes.toString()), null, 1));
    expect(checkTranscriptBytes(pretty).failures).toEqual([
      { code: "TRANSCRIPT_NOT_CANONICAL", message: "transcript.json is not in canonical JSON form (RFC 8785): it was edited or written by another program" },
    ]);
  });
});
