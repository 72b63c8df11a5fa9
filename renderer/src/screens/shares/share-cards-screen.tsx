import { useRef, useState } from "react";
import type { ShareCheck, StepView } from "../../../../src/api/contract.ts";
import { Notice } from "../../components/notice.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { HsmProgress } from "../officer/hsm-progress.tsx";
import { defaultPerformer, PerformerSelect } from "../officer/performer-select.tsx";
import { StepFailureNotice, useStepFailure } from "../officer/step-failure.tsx";
import { useRunAction } from "../officer/use-run-action.ts";
import { CardPreview } from "./card-preview.tsx";
import { ShareBoard } from "./share-board.tsx";
import { ShareWordsEntry } from "./share-words-entry.tsx";

/**
 * Read-back: one holder at a time sees their card and types or scans it back; the core says
 * whether it is the card printed for them, and journals the match (never the words). The board
 * is what the journal holds, so a reload or a restart keeps every card already read back; the
 * words themselves are not kept anywhere. When every card is verified, the step's action runs.
 */
export function ShareCardsScreen({ step }: { step: StepView }) {
  const { view, refresh } = useOpenCeremony();
  const board = view.shareBoard;
  const [active, setActive] = useState<string | null>(() => board.find((c) => !c.verified)?.participantId ?? null);
  const [performer, setPerformer] = useState(() => defaultPerformer(step.performerRole, view.participants));
  const action = useRunAction();
  const activeCard = board.find((c) => c.participantId === active) ?? null;
  const missing = board.filter((c) => !c.verified);
  const allVerified = board.length > 0 && missing.length === 0;
  const recordButton = useRef<HTMLButtonElement>(null);
  const shown = action.pending ? null : (action.error ?? (step.status === "failed" ? step.lastError : null));
  // Recording takes no input of its own: each card was read back on the board, and a card that
  // does not match is refused there. So a failure here offers Retry or Abort, nothing else.
  const failure = useStepFailure(shown, [], recordButton, () => undefined);

  const onResult = (check: ShareCheck | null) => {
    if (check?.ok && check.card !== null) void refresh();
  };

  const next = () => {
    const following = board.find((c) => c.participantId !== active && !c.verified);
    setActive(following?.participantId ?? null);
    // The next holder's turn focuses its own "Show the card"; after the last card, recording is next.
    if (!following) window.setTimeout(() => document.getElementById("read-back-record")?.focus(), 0);
  };

  return (
    <section className="share-cards" aria-labelledby="share-cards-heading">
      <h2 id="share-cards-heading">Share cards: every holder reads back their card</h2>
      <ShareBoard board={board} onChoose={setActive} active={active} />
      {activeCard ? (
        <section key={activeCard.participantId} className="holder-turn panel" aria-labelledby="holder-turn-heading">
          <h3 id="holder-turn-heading">
            Card {activeCard.card}: {activeCard.holder}’s turn
          </h3>
          <p>Everyone else looks away while {activeCard.holder} reads back the card. The words leave the screen when the next holder starts.</p>
          <CardPreview participantId={activeCard.participantId} onShown={() => document.getElementById(`readback-${activeCard.card}-scan`)?.focus()} />
          <ShareWordsEntry idPrefix={`readback-${activeCard.card}`} participantId={activeCard.participantId} onResult={(_text, check) => onResult(check)} />
          <div className="button-row">
            <button type="button" className="button-primary" onClick={next} disabled={!activeCard.verified}>
              {board.some((c) => c.participantId !== activeCard.participantId && !c.verified) ? "Done — next holder" : "Done — close this card"}
            </button>
          </div>
        </section>
      ) : null}
      <form
        className="read-back-run panel"
        aria-label="Run the read-back"
        onSubmit={(e) => {
          e.preventDefault();
          if (!allVerified || !performer || !failure.mayRun) return;
          failure.attempted();
          // Every card's match is in the journal (share.read-back): the step needs no words.
          void action.runAction({ performerId: performer, shares: [] });
        }}
      >
        {allVerified ? (
          <Notice tone="success" title={`All ${board.length} cards read back and verified.`}>
            <p>Run the step to record the read-back in the journal.</p>
          </Notice>
        ) : (
          <p className="hint" id="read-back-missing">
            Still to read back: {missing.map((c) => `card ${c.card} (${c.holder})`).join(", ")}.
          </p>
        )}
        <PerformerSelect id="read-back-performer" role={step.performerRole} people={view.participants} value={performer} onChange={setPerformer} />
        {action.pending && action.startedAt !== null ? <HsmProgress startedAt={action.startedAt} /> : null}
        <StepFailureNotice failure={failure} title="The read-back was not recorded" />
        {failure.mayRun ? (
          <button ref={recordButton} id="read-back-record" type="submit" className="button-primary button-large" disabled={!allVerified || action.pending || !performer}>
            {action.pending ? "Recording…" : failure.offer === "retry" ? "Retry: record the read-back" : `Record the read-back of all ${board.length} cards`}
          </button>
        ) : null}
      </form>
    </section>
  );
}
