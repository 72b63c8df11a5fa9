/**
 * Checks that tie what people saw in the room to the signed record:
 * - every step.completed carries the milestone head the witnesses copied onto the paper script
 *   (the first digits of the head before it, docs/architecture.md "Journal chain"), and it must be
 *   the head the chain recomputes — a forger who rebuilds the chain changes those values;
 * - the transcript-signing key the transcript records (in its header, and in any
 *   transcript-signing public-key fact, read aloud at the ceremony) is the one in signer.pub.pem;
 * - a destruction's verdict follows from the copies it lists and accounts for.
 * Run only after the chain itself has been checked, so the heads compared against are genuine.
 */
import { copyIdentity, describeCopy } from "../common/key-copies.ts";
import { eventsOfType, lastEventOfType } from "../events/index.ts";
import { foldKeyCopies } from "../events/key-copies.ts";
import { MILESTONE_DIGITS } from "../journal/chain.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import { type Transcript, signerOf } from "./types.ts";

export function checkMilestones(t: Transcript): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  for (const event of t.events) {
    if (event.type !== "step.completed") continue;
    const step = `step ${event.body.stepIndex + 1}`;
    const written = event.body.milestone;
    const before = t.events[event.seq - 1];
    const expected = before ? before.head.slice(0, MILESTONE_DIGITS) : null;
    if (written !== expected) {
      failures.push(
        failure("MILESTONE_MISMATCH", `event ${event.seq}: ${step} completed with journal head ${written}, but the chain gives ${expected ?? "nothing"} there: the events before it were changed`),
      );
    }
  }
  return failures;
}

/** The transcript-signing key facts in the outputs must be the key the header names as signer. */
export function checkSignerFacts(t: Transcript): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const signer = signerOf(t);
  if (!signer) {
    // A v1 transcript whose ceremony reused an existing key recorded none; its anchor is the
    // fingerprint on the witness sheet, given to verify with --signer.
    if (t.format === "ceremony-workstation.transcript.v1") return [];
    return [failure("SIGNER_NOT_RECORDED", "the transcript records no transcript-signing key (no signer in its header)")];
  }
  for (const output of t.outputs) {
    if (output.kind !== "public-key" || output.details.purpose !== "transcript-signing") continue;
    if (output.details.spkiSha256 !== signer.spkiSha256) {
      failures.push(
        failure(
          "SIGNER_NOT_RECORDED",
          `the transcript-signing key recorded at the ceremony (${output.label}, SPKI SHA-256 ${output.details.spkiSha256}) is not the key the transcript names as its signer (${signer.spkiSha256})`,
        ),
      );
    }
  }
  return failures;
}

/**
 * A destruction ceremony's verdict must follow from what its transcript records: the copies it
 * listed, the copy destroyed on its token and each copy accounted for. A transcript cannot say
 * "destroyed" while a copy it lists is left (docs/architecture.md, "Key copies").
 */
export function checkKeyCopies(t: Transcript): VerifyFailure[] {
  const verdict = lastEventOfType(t.events, "key.copies.accounted");
  // A re-escrow accounts for the cards of the set it revokes (handed in or lost) without a destruction's list of copies.
  const revoked = new Set(eventsOfType(t.events, "escrow.set.revoked").map((e) => `${e.body.keyLabel}\u0000${e.body.setId.toLowerCase()}`));
  const accounted = eventsOfType(t.events, "key.copy.accounted").filter(
    (e) => !(e.body.copy.kind === "card" && revoked.has(`${e.body.label}\u0000${e.body.copy.setId.toLowerCase()}`)),
  );
  if (!verdict && accounted.length === 0) return [];
  const folded = foldKeyCopies(t.events);
  if (!folded) {
    return [failure("KEY_COPIES_MISMATCH", `event ${(verdict ?? accounted[0]!).seq}: copies are accounted for, but the transcript lists no copies of the key (no key.copies.listed)`)];
  }
  if (!verdict) return [];
  const failures: VerifyFailure[] = [];
  if (verdict.body.label !== folded.label) {
    failures.push(failure("KEY_COPIES_MISMATCH", `event ${verdict.seq}: the verdict is about ${verdict.body.label}, but the copies listed are of ${folded.label}`));
  }
  if (verdict.body.verdict !== folded.verdict) {
    failures.push(
      failure("KEY_COPIES_MISMATCH", `event ${verdict.seq}: the transcript says ${verdict.body.label} is ${verdict.body.verdict}, but the copies it records make it ${folded.verdict}`),
    );
  }
  const recorded = new Map(verdict.body.copies.map((c) => [copyIdentity(c), c.status]));
  for (const c of folded.copies) {
    const status = recorded.get(copyIdentity(c));
    if (status !== c.status) {
      failures.push(
        failure("KEY_COPIES_MISMATCH", `event ${verdict.seq}: the ${describeCopy(c)} is ${status ?? "missing"} in the verdict, but ${c.status} in the events before it`),
      );
    }
  }
  if (verdict.body.copies.length !== folded.copies.length) {
    failures.push(failure("KEY_COPIES_MISMATCH", `event ${verdict.seq}: the verdict names ${verdict.body.copies.length} copies, but ${folded.copies.length} were listed`));
  }
  return failures;
}
