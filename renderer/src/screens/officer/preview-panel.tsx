import type { StepView } from "../../../../src/api/contract.ts";
import { formatOutputDetail } from "../../../../src/common/index.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { PersonPinForm } from "../../components/person-pin-form.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/**
 * Confirm, then act: for a step that signs, creates or destroys a key, what the HSM will do is
 * shown first (label and full ID, subject and validity, serials to revoke), and the step's
 * witnesses confirm it with their PIN before the officer may run the action. A step that changes
 * the record without the HSM (revoking a card set) is confirmed the same way.
 */
export function PreviewPanel({ step }: { step: StepView }) {
  const { view, accept } = useOpenCeremony();
  const showing = useApiCall();
  const confirming = useApiCall();
  const preview = step.preview;
  if (!preview) return null;
  const confirmed = new Set(preview.attesters.map((a) => a.participantId));
  const eligible = view.participants.filter((p) => step.attestation.roles.includes(p.role) && !confirmed.has(p.id));
  // A step that only records (a re-escrow's revocation) confirms its plan the same way, but no HSM acts in it.
  const words = preview.usesHsm ? { heading: "Before the HSM acts: what it will do", show: "Show what the HSM will do" } : { heading: "Before this step records anything: what it will do", show: "Show what this step will do" };
  return (
    <section className="preview-panel panel" aria-labelledby={`preview-heading-${step.index}`}>
      <h2 id={`preview-heading-${step.index}`}>{words.heading}</h2>
      {preview.items.length === 0 ? (
        <>
          <button type="button" className="button-primary" disabled={showing.pending} onClick={() => void showing.run(async () => accept(await call("ceremony:preview", {})))}>
            {words.show}
          </button>
          {showing.error ? <ErrorNotice error={showing.error} title="The preview could not be made" /> : null}
        </>
      ) : (
        <>
          <dl className="preview-items">
            {preview.items.map((item) => (
              <div key={item.label}>
                <dt>{item.label}</dt>
                <dd>
                  <code>{formatOutputDetail(item.label, item.value)}</code>
                </dd>
              </div>
            ))}
          </dl>
          {preview.attesters.length ? (
            <ul className="attester-list" aria-label="Confirmed by">
              {preview.attesters.map((a) => (
                <li key={a.participantId}>
                  <span aria-hidden="true">✔ </span>
                  {a.name}
                </li>
              ))}
            </ul>
          ) : null}
          {preview.required ? (
            <PersonPinForm
              key={preview.attesters.length}
              idPrefix={`preview-${step.index}`}
              people={eligible}
              submitLabel="I confirm this is what should happen"
              pending={confirming.pending}
              error={confirming.error}
              onSubmit={async (participantId, pin) => {
                const next = await confirming.run(() => call("ceremony:attest-preview", { participantId, pin }));
                if (next) accept(next);
              }}
            />
          ) : (
            <p className="hint">Confirmed by the witnesses: the officer may run the action.</p>
          )}
        </>
      )}
    </section>
  );
}
