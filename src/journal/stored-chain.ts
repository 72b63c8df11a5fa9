/**
 * Verification of the chain as the journal stores it: each row's record bytes must be canonical,
 * must name the row's ceremony and seq, and must hash to the stored leaf and head. Pure — rows
 * come from sqlite in journal.ts, but nothing here needs it.
 */
import { parseCanonicalJson } from "./canonical-json.ts";
import { ChainWalker, type Checkpoint, GENESIS_HEAD_HEX, LeafHasher, chainBreakProblem, recordShapeProblem } from "./chain.ts";
import { JournalTamperedError } from "./errors.ts";

export interface StoredRow {
  seq: number;
  record: Buffer;
  leaf: Buffer;
  head: Buffer;
}

/** Verifies rows given in ascending seq order; returns the checkpoint or throws JournalTamperedError at the first bad event. */
export function verifyStoredRows(ceremonyId: string, rows: Iterable<StoredRow>): Checkpoint {
  const walker = new ChainWalker();
  const leaves = new LeafHasher();
  let expected = 0;
  for (const row of rows) {
    if (row.seq !== expected) {
      throw new JournalTamperedError(
        ceremonyId,
        expected,
        expected === 0
          ? `event 0 is missing (the journal starts at event ${row.seq})`
          : `event ${expected} is missing (the journal goes from event ${expected - 1} to event ${row.seq})`,
      );
    }
    let record: unknown;
    try {
      record = parseCanonicalJson(row.record, `event ${row.seq}`);
    } catch {
      throw new JournalTamperedError(ceremonyId, row.seq, `event ${row.seq}: the stored record is not canonical JSON`);
    }
    const shape = recordShapeProblem(record);
    if (shape !== null) throw new JournalTamperedError(ceremonyId, row.seq, `event ${row.seq}: the stored record ${shape}`);
    const { ceremonyId: claimedCeremony, seq: claimedSeq } = record as { ceremonyId: string; seq: number };
    if (claimedCeremony !== ceremonyId || claimedSeq !== row.seq) {
      throw new JournalTamperedError(
        ceremonyId,
        row.seq,
        `event ${row.seq}: the stored record says it is event ${claimedSeq} of ceremony ${claimedCeremony} (events were moved or reordered)`,
      );
    }
    const leaf = leaves.ofBytes(row.record);
    const head = walker.addLeaf(leaf);
    if (!leaf.equals(row.leaf) || !head.equals(row.head)) throw new JournalTamperedError(ceremonyId, row.seq, chainBreakProblem(row.seq));
    expected++;
  }
  return { ceremonyId, eventCount: walker.count, head: walker.count === 0 ? GENESIS_HEAD_HEX : walker.head.toString("hex") };
}
