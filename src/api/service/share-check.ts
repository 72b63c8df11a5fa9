/**
 * The live check of a share card as a holder types or scans it: each word against the word list
 * (with a suggestion), then the whole card, then — in the read-back step, the trial recovery or a
 * recovery — whether it is the chosen holder's card. The words are split by escrow's one parser
 * (src/escrow/share-text.ts), the same one decoding uses, so numbering and the QR form read alike.
 */
import type { z } from "zod";
import { formatSetId } from "../../common/index.ts";
import { checkCardForHolder, splitForCardEntry } from "../../ceremony/escrow-holders.ts";
import { lastEventOfType } from "../../events/index.ts";
import { CeremonyError, wipe } from "../../errors.ts";
import { decodeShare, SHARE_WORD_COUNT } from "../../escrow/index.ts";
import { splitShareText } from "../../escrow/share-text.ts";
import { lookupWord, suggestWords } from "../../escrow/wordlist.ts";
import type { ShareCheck } from "../contract.ts";
import type { ActiveCeremony } from "./active.ts";

type Entered = ReadonlyArray<{ participantId: string; fingerprint: string }>;

export async function checkShare(
  text: string,
  participantId: string | undefined,
  a: ActiveCeremony | null,
  entered: Entered | undefined,
  scriptsDir: string,
): Promise<z.output<typeof ShareCheck>> {
  const empty = { words: [], wordCount: 0, expectedWords: SHARE_WORD_COUNT, setId: null, k: null, n: null, fingerprint: null, card: null };
  let tokens: string[];
  try {
    tokens = splitShareText(text, "this card");
  } catch (e) {
    if (e instanceof CeremonyError) return { ...empty, ok: false, message: e.message };
    throw e;
  }
  const words = tokens.map((w, index) => {
    const known = lookupWord(w) !== undefined;
    return { index, word: w, known, suggestion: known ? null : (suggestWords(w)[0] ?? null) };
  });
  const base = { ...empty, words, wordCount: tokens.length };
  const bad = words.find((w) => !w.known);
  if (bad) return { ...base, ok: false, message: `word ${bad.index + 1} "${bad.word}" is not in the word list${bad.suggestion ? `; did you mean "${bad.suggestion}"?` : ""}` };
  if (tokens.length < SHARE_WORD_COUNT) return { ...base, ok: false, message: `${tokens.length} of ${SHARE_WORD_COUNT} words so far` };
  try {
    const d = decodeShare(text, { label: "this card" });
    wipe(d.payload);
    const result = { ...base, setId: d.setId, k: d.k, n: d.n, fingerprint: d.fingerprint };
    if (participantId && a) {
      const state = a.runner.state();
      const holder = state.participants.find((p) => p.id === participantId);
      const step = state.currentStep === null ? undefined : a.runner.script.steps[state.currentStep];
      const splitHere = lastEventOfType(a.runner.events(), "escrow.split") !== undefined;
      if (holder && splitHere && step?.action.type === "escrow.read-back") {
        // The runner checks the card and journals the match (share.read-back), never the words.
        const r = a.runner.recordCardReadBack(participantId, text);
        return { ...result, ok: true, card: r.card, message: `card ${r.card} matches what was printed for ${holder.name}` };
      }
      if (holder && (step?.action.type === "escrow.trial-recovery" || step?.action.type === "escrow.recover")) {
        const split = await splitForCardEntry(a.runner.events(), a.runner.script, step.action.type, scriptsDir);
        if (split) {
          const nameOf = (id: string): string => state.participants.find((p) => p.id === id)?.name ?? id;
          const others = (entered ?? []).filter((e) => e.participantId !== participantId).map((e) => ({ holder: nameOf(e.participantId), fingerprint: e.fingerprint }));
          const card = checkCardForHolder(split, holder.name, d, others);
          return { ...result, ok: true, card: card.card, message: `${holder.name}'s card checks: set ${formatSetId(d.setId)}, card ${card.card}, ${d.k} of ${d.n} needed` };
        }
      }
    }
    return { ...result, ok: true, message: `the words check: set ${formatSetId(d.setId)}, ${d.k} of ${d.n} needed` };
  } catch (e) {
    if (e instanceof CeremonyError) return { ...base, ok: false, message: e.message };
    throw e;
  }
}
