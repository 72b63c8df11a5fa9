import { useState } from "react";
import type { UnfinishedCeremony } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { AbortDecisionFields, useAbortDecision } from "../../components/abort-decision.tsx";
import { useCeremony } from "../../state/ceremony-context.tsx";

/**
 * Abandoning a rehearsal that cannot be resumed: an abort like the officer console's (who decides,
 * why, and an internal witness's PIN once sign-in has closed or a witness signed in). The screen
 * then asks for the signature of its ABORTED transcript, made on a fresh throwaway token; or, when
 * its transcript-signing key went with the old token, says that the journal records its end.
 */
export function AbandonRehearsal({ u, onOpened, onAbandoned }: { u: UnfinishedCeremony; onOpened(): void; onAbandoned(note: string): void }) {
  const { accept } = useCeremony();
  const [open, setOpen] = useState(false);
  const decision = useAbortDecision(u.participants, u.phase, { firstDecider: true, reason: "The workstation stopped during the rehearsal; its throwaway token did not survive the restart." });
  const abandoning = useApiCall();
  const id = `abandon-${u.ceremonyId}`;

  if (decision.deciders.length === 0) {
    return <p className="hint">Nobody who may decide an abort had signed in to this rehearsal, so it stays in the journal unfinished; it holds no key.</p>;
  }
  if (!open) {
    return (
      <button type="button" className="button-danger button-large" onClick={() => setOpen(true)}>
        Abandon the rehearsal…
      </button>
    );
  }
  const submit = () => {
    const fields = decision.take();
    return abandoning.run(async () => {
      const r = await call("ceremony:abandon", { ceremonyId: u.ceremonyId, ...fields });
      if (r.view) {
        // Open and aborted: the screen that signs its ABORTED transcript follows.
        accept(r.view);
        onOpened();
      } else onAbandoned(r.note);
    });
  };
  return (
    <div className="abandon-form" role="group" aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`}>Abandon the rehearsal</h4>
      <AbortDecisionFields id={id} decision={decision} labels={{ actor: "Who decides to abandon it", witness: "Internal witness confirming it", reasonRows: 2 }} />
      {abandoning.error ? <ErrorNotice error={abandoning.error} title="The rehearsal was not abandoned" /> : null}
      <div className="button-row">
        <button type="button" className="button-danger" disabled={!decision.ready || abandoning.pending} onClick={() => void submit()}>
          {abandoning.pending ? "Abandoning…" : "Abandon the rehearsal"}
        </button>
        <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
          Keep it
        </button>
      </div>
    </div>
  );
}
