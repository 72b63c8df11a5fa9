import type { CeremonyView } from "../../../../src/api/contract.ts";
import { formatHex } from "../../../../src/common/index.ts";

/**
 * The last completed step's journal head, for witnesses to copy by hand onto the paper script
 * (docs/architecture.md, "Journal chain"): a later tampered journal cannot match what is on paper.
 */
export function MilestoneNote({ view }: { view: CeremonyView }) {
  const last = [...view.steps].reverse().find((s) => s.status === "completed" && s.milestone);
  if (!last?.milestone) return null;
  return (
    <aside className="milestone-note" aria-label="Journal head to copy onto paper">
      <p>
        Step {last.index + 1} done. Write on the paper script: journal head <strong className="milestone-head">{formatHex(last.milestone)}</strong>
      </p>
    </aside>
  );
}
