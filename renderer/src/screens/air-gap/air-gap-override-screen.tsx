import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { Notice } from "../../components/notice.tsx";
import { PersonPinForm } from "../../components/person-pin-form.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { AbortCeremony } from "../officer/abort-dialog.tsx";

const OVERRIDE_ATTESTERS = 2;

/** The machine is connected: two internal witnesses attest that the ceremony may go on anyway. */
export function AirGapOverrideScreen() {
  const { view, accept } = useOpenCeremony();
  const attesting = useApiCall();
  const attested = view.airGap?.overrideAttesters ?? [];
  const witnesses = view.participants.filter((p) => p.role === "internal-witness");
  const remaining = witnesses.filter((w) => !attested.includes(w.id));
  const nameOf = (id: string) => view.participants.find((p) => p.id === id)?.name ?? id;

  return (
    <div className="screen air-gap-screen">
      <ScreenHeading eyebrow={view.title}>The workstation is connected to a network</ScreenHeading>
      <Notice tone="warning" title={`Network interfaces up: ${view.airGap?.interfacesUp.join(", ") || "unknown"}`}>
        <p>
          A ceremony belongs on an offline machine. {view.rehearsal ? "This is a rehearsal, so it" : "It"} may go on only if two internal witnesses attest that they
          accept it; the override and their names go into the transcript.
        </p>
      </Notice>
      <div className="two-columns">
        <section className="panel" aria-labelledby="override-form-heading">
          <h2 id="override-form-heading">Witness attestation</h2>
          <PersonPinForm
            idPrefix="override"
            people={remaining}
            submitLabel="I attest the override"
            pending={attesting.pending}
            error={attesting.error}
            onSubmit={(id, pin) =>
              attesting.run(async () => {
                const next = await call("ceremony:airgap-override", { participantId: id, pin });
                accept(next);
                return next;
              })
            }
          />
        </section>
        <section className="panel" aria-labelledby="override-status-heading">
          <h2 id="override-status-heading">
            Attested: {attested.length} of {OVERRIDE_ATTESTERS}
          </h2>
          {attested.length ? (
            <ul className="attester-list">
              {attested.map((id) => (
                <li key={id}>
                  <span aria-hidden="true">✔ </span>
                  {nameOf(id)}
                </li>
              ))}
            </ul>
          ) : (
            <p>No witness has attested yet.</p>
          )}
          <p>
            {attested.length >= OVERRIDE_ATTESTERS
              ? "The override is granted."
              : `${OVERRIDE_ATTESTERS - attested.length} more internal witness${OVERRIDE_ATTESTERS - attested.length === 1 ? "" : "es"} must attest before the first step.`}
          </p>
        </section>
      </div>
      <AbortCeremony />
    </div>
  );
}
