import { useState } from "react";
import type { ShareCheck, StepView } from "../../../../src/api/contract.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { HsmProgress } from "../officer/hsm-progress.tsx";
import { defaultPerformer, PerformerSelect } from "../officer/performer-select.tsx";
import { useRunAction } from "../officer/use-run-action.ts";
import { CardPreview } from "./card-preview.tsx";
import { ShareBoard } from "./share-board.tsx";
import { ShareWordsEntry } from "./share-words-entry.tsx";

/**
 * Read-back: one holder at a time sees their card and types or scans it back; the core says
 * whether it is the card printed for them. When every card is verified, the step's action
 * runs with all of them. Typed cards stay only in this screen's memory.
 */
export function ShareCardsScreen({ step }: { step: StepView }) {
  const { view, refresh } = useOpenCeremony();
  const board = view.shareBoard;
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [active, setActive] = useState<string | null>(() => board.find((c) => !c.verified)?.participantId ?? null);
  const [performer, setPerformer] = useState(() => defaultPerformer(step.performerRole, view.participants));
  const action = useRunAction();
  const activeCard = board.find((c) => c.participantId === active) ?? null;
  const missingText = board.filter((c) => !texts[c.participantId]);
  const allVerified = board.length > 0 && board.every((c) => c.verified) && missingText.length === 0;
  // Checked before a reload: the core remembers the check, this window no longer has the words.
  const lostCards = board.filter((c) => c.verified && !texts[c.participantId]);

  const onResult = (participantId: string, text: string, check: ShareCheck | null) => {
    if (check?.ok && check.card !== null) {
      setTexts((t) => (t[participantId] === text ? t : { ...t, [participantId]: text }));
      void refresh();
    }
  };

  const next = () => {
    const following = board.find((c) => c.participantId !== active && !texts[c.participantId]);
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
          <ShareWordsEntry idPrefix={`readback-${activeCard.card}`} participantId={activeCard.participantId} onResult={(text, check) => onResult(activeCard.participantId, text, check)} />
          <div className="button-row">
            <button type="button" className="button-primary" onClick={next} disabled={!texts[activeCard.participantId]}>
              {board.some((c) => c.participantId !== activeCard.participantId && !texts[c.participantId]) ? "Done — next holder" : "Done — close this card"}
            </button>
          </div>
        </section>
      ) : null}
      <form
        className="read-back-run panel"
        aria-label="Run the read-back"
        onSubmit={(e) => {
          e.preventDefault();
          if (!allVerified || !performer) return;
          void action.runAction({ performerId: performer, shares: board.map((c) => ({ participantId: c.participantId, text: texts[c.participantId] ?? "" })) });
        }}
      >
        {allVerified ? (
          <Notice tone="success" title={`All ${board.length} cards read back and verified.`}>
            <p>Run the step to record the read-back in the journal.</p>
          </Notice>
        ) : (
          <>
            {lostCards.length > 0 ? (
              <Notice tone="warning" title={`${lostCards.length} typed ${lostCards.length === 1 ? "card was" : "cards were"} lost when this screen was reloaded`}>
                <p>
                  The journal shows {lostCards.map((c) => `card ${c.card} (${c.holder})`).join(", ")} as checked, but typed words are kept only in this window, never on disk. Those
                  holders type or scan their cards again before the read-back can be recorded.
                </p>
              </Notice>
            ) : null}
            <p className="hint" id="read-back-missing">
              Still to read back in this session: {missingText.map((c) => `card ${c.card} (${c.holder})`).join(", ")}.
            </p>
          </>
        )}
        <PerformerSelect id="read-back-performer" role={step.performerRole} people={view.participants} value={performer} onChange={setPerformer} />
        {action.pending && action.startedAt !== null ? <HsmProgress startedAt={action.startedAt} /> : null}
        {action.error ?? step.lastError ? <ErrorNotice error={(action.error ?? step.lastError)!} title="The read-back was not recorded" /> : null}
        <button id="read-back-record" type="submit" className="button-primary button-large" disabled={!allVerified || action.pending || !performer}>
          {action.pending ? "Recording…" : `Record the read-back of all ${board.length} cards`}
        </button>
      </form>
    </section>
  );
}
