import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChainWalker, GENESIS_HEAD, LeafHasher, chainHeads, leafHash, milestoneOf, nextHead, recordBytes, recordShapeProblem } from "../../../src/journal/chain.ts";
import { type JournalRecord, recordJson } from "../../../src/journal/chain.ts";

// A two-event chain. The expected bytes and hashes were computed independently of src/ (plain
// createHash over hand-written canonical JSON, see `independently` below) and written down here.
const records: JournalRecord[] = [
  { ceremonyId: "c-2026-001", seq: 0, time: "2026-03-01T09:30:00.000Z", actor: "system", type: "ceremony.started", body: { scriptId: "root-ca-2026" } },
  {
    ceremonyId: "c-2026-001",
    seq: 1,
    time: "2026-03-01T09:30:01.000Z",
    actor: "officer-1",
    type: "participant.joined",
    body: { role: "witness", participantId: "w-1", name: "Ana Lima", organisation: "Example Ltd" },
  },
];
const recordText = [
  '{"actor":"system","body":{"scriptId":"root-ca-2026"},"ceremonyId":"c-2026-001","seq":0,"time":"2026-03-01T09:30:00.000Z","type":"ceremony.started"}',
  '{"actor":"officer-1","body":{"name":"Ana Lima","organisation":"Example Ltd","participantId":"w-1","role":"witness"},"ceremonyId":"c-2026-001","seq":1,"time":"2026-03-01T09:30:01.000Z","type":"participant.joined"}',
];
const expected = {
  leaf0: "edf671272ef8bb67b0259278e308ff3dc3b6324189a83764785ecc359fcef09b",
  head0: "9ccec421184b7fd12d8aacfb2973ce34f4ee82282dd767512773027373fa7d42",
  leaf1: "aa75a51b4f5a8502c14f5b98eccfeb9298fcfc5f5d7021b759e0fc48896b2deb",
  head1: "1563816b12161c7d472d528132546d71b8e0eb4f530651b0a4e2876da32375c7",
};

function independently(): typeof expected {
  const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
  const leaf0 = sha(Buffer.of(0x00), Buffer.from(recordText[0] as string, "utf8"));
  const head0 = sha(Buffer.of(0x01), Buffer.alloc(32), leaf0);
  const leaf1 = sha(Buffer.of(0x00), Buffer.from(recordText[1] as string, "utf8"));
  const head1 = sha(Buffer.of(0x01), head0, leaf1);
  return { leaf0: leaf0.toString("hex"), head0: head0.toString("hex"), leaf1: leaf1.toString("hex"), head1: head1.toString("hex") };
}

describe("journal chain (docs/architecture.md Journal chain)", () => {
  it("the written-down vector matches an independent computation", () => {
    expect(independently()).toEqual(expected);
  });

  it("serializes records to the expected canonical bytes", () => {
    expect(records.map((r) => recordBytes(r).toString("utf8"))).toEqual(recordText);
  });

  it("computes leaves and heads", () => {
    const leaf0 = leafHash(recordBytes(records[0] as JournalRecord));
    const head0 = nextHead(GENESIS_HEAD, leaf0);
    const leaf1 = leafHash(recordBytes(records[1] as JournalRecord));
    expect([leaf0, head0, leaf1, nextHead(head0, leaf1)].map((b) => b.toString("hex"))).toEqual([
      expected.leaf0,
      expected.head0,
      expected.leaf1,
      expected.head1,
    ]);
    expect(chainHeads(records).map((b) => b.toString("hex"))).toEqual([expected.head0, expected.head1]);
  });

  it("the walker gives the same heads from text and from bytes, and ignores a head member", () => {
    const fromText = new ChainWalker();
    const fromBytes = new ChainWalker();
    for (const text of recordText) {
      fromText.addRecordJson(text);
      fromBytes.addRecordBytes(Buffer.from(text, "utf8"));
    }
    expect(fromText.head.toString("hex")).toBe(expected.head1);
    expect(fromBytes.head.toString("hex")).toBe(expected.head1);
    expect(fromText.count).toBe(2);
    expect(recordBytes({ ...(records[0] as JournalRecord), head: "ff" } as JournalRecord).toString("utf8")).toBe(recordText[0]);
  });

  it("the leaf hasher gives the same leaf from text, bytes, and two slices around a head member", () => {
    const text = recordText[1] as string;
    const hasher = new LeafHasher();
    const split = text.indexOf('"seq":');
    const withHead = Buffer.from(`${text.slice(0, split)}"head":"${"ab".repeat(32)}",${text.slice(split)}`, "utf8");
    const leaves = [
      hasher.ofJson(text),
      hasher.ofBytes(Buffer.from(text, "utf8")),
      hasher.ofTwoSlices(withHead, 0, split, split + 74, withHead.length),
      Buffer.from(hasher.ofTwoSlicesLatin1(withHead, 0, split, split + 74, withHead.length), "latin1"),
    ];
    expect(leaves.map((l) => l.toString("hex"))).toEqual(Array(4).fill(expected.leaf1));
    // A long record makes the reusable input buffer grow.
    const long = { ...(records[1] as JournalRecord), body: { text: "x".repeat(5000) } };
    expect(hasher.ofJson(recordJson(long)).equals(leafHash(recordBytes(long)))).toBe(true);
  });

  it("milestones are the first 8 hex digits", () => {
    expect(milestoneOf(expected.head1)).toBe("1563816b");
  });

  it("rejects wrong-length inputs with RangeError naming the argument", () => {
    expect(() => nextHead(Buffer.alloc(31), Buffer.alloc(32))).toThrow(new RangeError("previousHead must be 32 bytes, got 31"));
    expect(() => nextHead(Buffer.alloc(32), Buffer.alloc(33))).toThrow(new RangeError("leaf must be 32 bytes, got 33"));
  });

  it.each([
    [{ ...records[0], extra: 1 }, "must have exactly the members actor, body, ceremonyId, seq, time, type"],
    [{ ...records[0], seq: 1.5 }, "has a seq that is not a whole number"],
    [{ ...records[0], time: "2026-03-01T09:30:00Z" }, "has a time that is not UTC ISO-8601 with milliseconds"],
    [{ ...records[0], body: [] }, "has a body that is not an object"],
  ])("describes a malformed record", (value, problem) => {
    expect(recordShapeProblem(value)).toBe(problem);
  });
});
