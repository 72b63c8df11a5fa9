import type { StepView } from "../../../../src/api/contract.ts";
import { formatFingerprintPrefix, formatSetId } from "../../../../src/common/index.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { PersonPinForm } from "../../components/person-pin-form.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/**
 * A split to be made again (a printer jam, a crash while printing): the old set is VOID. The
 * screen names it and every card of it already delivered, and the step's witnesses attest with
 * their PINs that those cards were collected for destruction before a new set may be printed.
 */
export function CardSetVoidPanel({ step }: { step: StepView }) {
  const { view, accept } = useOpenCeremony();
  const attesting = useApiCall();
  const set = step.cardSetVoid;
  if (!set) return null;
  const done = new Set(set.attesters.map((a) => a.participantId));
  const eligible = view.participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id));
  const headingId = `void-heading-${step.index}`;
  return (
    <section className="card-set-void panel" aria-labelledby={headingId}>
      <h2 id={headingId}>
        Card set <span className="mono">{formatSetId(set.setId)}</span> is VOID
      </h2>
      <p>{set.notice[0]}</p>
      <p>{set.notice[1]}</p>
      {set.deliveredCards.length ? (
        <table className="data-table">
          <caption>Delivered cards of the void set — collect each for destruction</caption>
          <thead>
            <tr>
              <th scope="col">Card</th>
              <th scope="col">Held by</th>
              <th scope="col">Share fingerprint</th>
            </tr>
          </thead>
          <tbody>
            {set.deliveredCards.map((c) => (
              <tr key={c.card}>
                <td>{c.card}</td>
                <th scope="row">{c.holder}</th>
                <td className="mono">{formatFingerprintPrefix(c.fingerprint)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {set.attesters.length ? (
        <ul className="attester-list" aria-label="Attested collected by">
          {set.attesters.map((a) => (
            <li key={a.participantId}>
              <span aria-hidden="true">✔ </span>
              {a.name}
            </li>
          ))}
        </ul>
      ) : null}
      <PersonPinForm
        key={set.attesters.length}
        idPrefix={`void-${step.index}`}
        people={eligible}
        submitLabel={set.deliveredCards.length ? "I attest these cards were collected for destruction" : "I attest no paper of this set is left"}
        pending={attesting.pending}
        error={attesting.error}
        onSubmit={async (participantId, pin) => {
          const next = await attesting.run(() => call("ceremony:attest-card-set-void", { participantId, pin }));
          if (next) accept(next);
          return next;
        }}
      >
        <p className="hint">
          {set.attesters.length} of {set.needed} witnesses have attested. Then the step prints a new set with a new set ID.
        </p>
      </PersonPinForm>
    </section>
  );
}
