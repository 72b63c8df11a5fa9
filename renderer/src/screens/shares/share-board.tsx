import type { CeremonyView } from "../../../../src/api/contract.ts";

type Board = CeremonyView["shareBoard"];

/** Every card, its holder, and whether it has been previewed and read back. */
export function ShareBoard({ board, caption = "Share cards", onChoose, active }: { board: Board; caption?: string; onChoose?(participantId: string): void; active?: string | null }) {
  const verified = board.filter((c) => c.verified).length;
  return (
    <table className="data-table share-board">
      <caption>
        {caption} — {verified} of {board.length} read back
      </caption>
      <thead>
        <tr>
          <th scope="col">Card</th>
          <th scope="col">Holder</th>
          <th scope="col">Preview</th>
          <th scope="col">Read back</th>
          {onChoose ? <th scope="col">Holder’s turn</th> : null}
        </tr>
      </thead>
      <tbody>
        {board.map((c) => (
          <tr key={c.participantId} className={c.participantId === active ? "row-active" : undefined}>
            <td className="num card-number">{c.card}</td>
            <th scope="row">{c.holder}</th>
            <td>{c.preview ? "shown" : "—"}</td>
            <td className={c.verified ? "text-success" : "text-pending"}>
              <span aria-hidden="true">{c.verified ? "✔ " : "○ "}</span>
              {c.verified ? "verified" : "not yet"}
            </td>
            {onChoose ? (
              <td>
                <TurnButton card={c} active={c.participantId === active} onChoose={() => onChoose(c.participantId)} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The holder's-turn button of one row. Its name begins with the word it shows, so a person using
 * speech input who says "click Start" reaches it (WCAG 2.5.3 Label in Name), and goes on to say
 * which card and holder the row is for, which the short visible word cannot.
 */
function TurnButton({ card: c, active, onChoose }: { card: Board[number]; active: boolean; onChoose(): void }) {
  const [shown, name] = active
    ? ["Now", `Now reading back: card ${c.card}, ${c.holder}`]
    : c.verified
      ? ["Again", `Again: read back card ${c.card}, ${c.holder}`]
      : ["Start", `Start read-back: card ${c.card}, ${c.holder}`];
  return (
    <button type="button" className="button-secondary button-small" onClick={onChoose} disabled={active} aria-label={name}>
      {shown}
    </button>
  );
}
