import { useState } from "react";
import type { StepView } from "../../../../src/api/contract.ts";

type OldCards = NonNullable<StepView["oldCards"]>;

/**
 * Rows per page at 1920×1080 with 32 px rows (measured in test/e2e/re-escrow.e2e.test.ts): under
 * the check step's set, reason and KCVs five rows fit, four with the page line below them; under
 * the revocation's two values, eight. A set has at most 16 cards.
 */
export const OLD_CARDS_PER_PAGE = { check: 4, revoke: 8 } as const;

const FATE_SYMBOL: Record<OldCards["rows"][number]["tone"], string> = { destroy: "✂", out: "■", lost: "✖", other: "○" };

/**
 * A re-escrow's old cards as one table on the projector: number, holder, the first 16 hex
 * digits of the share fingerprint as the card prints them, and what becomes of the card. More
 * cards than fit are split into equal pages, and the caption says which cards are shown and
 * how many more there are: a witness never reads a list cut short without being told.
 */
export function OldCardsTable({ table, perPage: most }: { table: OldCards; perPage: number }) {
  // The page line below the table takes about a row: one row more than `most` fits without it.
  const pages = table.rows.length <= most + 1 ? 1 : Math.ceil(table.rows.length / most);
  const perPage = Math.ceil(table.rows.length / pages);
  const [page, setPage] = useState(0);
  const shown = table.rows.slice(page * perPage, (page + 1) * perPage);
  const first = shown[0]?.card;
  const last = shown[shown.length - 1]?.card;
  const range = (p: number): string => {
    const rows = table.rows.slice(p * perPage, (p + 1) * perPage);
    return `cards ${rows[0]?.card}–${rows[rows.length - 1]?.card}`;
  };
  return (
    <section className="old-cards" aria-labelledby="old-cards-heading">
      <div className="old-cards-head">
        <h2 id="old-cards-heading">
          Old cards of set <span className="old-cards-set">{table.setId}</span>
          {table.recorded ? null : <span className="old-cards-planned"> · as checked in the earlier step</span>}
        </h2>
      </div>
      <table className="old-cards-table">
        <thead>
          <tr>
            <th scope="col">Card</th>
            <th scope="col">Holder</th>
            <th scope="col">Share fingerprint (first 16)</th>
            <th scope="col">Fate</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.card} className={`old-card-${r.tone}`}>
              <th scope="row" className="old-card-number">
                {r.card}
              </th>
              <td>{r.holder}</td>
              <td className="old-card-fingerprint">{r.fingerprint}</td>
              <td className="old-card-fate">
                <span aria-hidden="true">{FATE_SYMBOL[r.tone]} </span>
                {r.fate}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <nav className="old-cards-pager" aria-label="Old card pages">
          <p className="old-cards-page" aria-live="polite">
            Cards {first}–{last} of {table.rows.length}
            {page < pages - 1 ? ` · ${table.rows.length - (page + 1) * perPage} more` : " · the last page"}
          </p>
          {Array.from({ length: pages }, (_, p) => (
            <button key={p} type="button" className={p === page ? "button-primary" : undefined} aria-pressed={p === page} onClick={() => setPage(p)}>
              Show {range(p)}
            </button>
          ))}
        </nav>
      ) : null}
    </section>
  );
}
