import type { CeremonyView, StepView } from "../../../../src/api/contract.ts";

export function readBackUnderway(view: CeremonyView, step: StepView): boolean {
  return step.status === "pending" && view.shareBoard.some((c) => c.verified);
}

/**
 * Live read-back progress for the room: how many cards are checked out of all, and whose turn is
 * next. The board comes from the core (it follows the journal), never from this window.
 */
export function ReadBackProgress({ view }: { view: CeremonyView }) {
  const board = view.shareBoard;
  if (board.length === 0) return null;
  const done = board.filter((c) => c.verified).length;
  const next = board.find((c) => !c.verified);
  return (
    <section className="witness-read-back" aria-labelledby="witness-read-back-heading">
      <h2 id="witness-read-back-heading">Card read-back</h2>
      <p className="witness-big" aria-live="polite">
        <strong>
          {done} of {board.length}
        </strong>{" "}
        cards read back
      </p>
      <p className="witness-big">{next ? <>Next: {next.holder} (card {next.card})</> : <>Every card checks — the officer runs the step.</>}</p>
      <ol className="witness-card-list">
        {board.map((c) => (
          <li key={c.card} className={c.verified ? "card-verified" : undefined}>
            <span aria-hidden="true">{c.verified ? "✔" : "○"} </span>
            Card {c.card} · {c.holder}
            <span className="visually-hidden">{c.verified ? ": read back" : ": not yet"}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
