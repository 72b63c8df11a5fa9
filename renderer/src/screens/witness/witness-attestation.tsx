import { useEffect, useRef, useState } from "react";
import type { StepView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { PersonPinForm } from "../../components/person-pin-form.tsx";
import { roleTitlePlural } from "../../../../src/common/roles.ts";
import { formatUtcClock } from "../../../../src/common/index.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/**
 * A step's checklist and its attestations. Each witness ticks every item themselves, chooses
 * their name and types their PIN; the ticks are cleared for the next witness. The core decides
 * when enough have attested; this shows who has and what is still missing.
 */
export function WitnessAttestation({ step, headingLevel = 2 }: { step: StepView; headingLevel?: 2 | 3 }) {
  const { view, accept } = useOpenCeremony();
  const [checked, setChecked] = useState<string[]>([]);
  const attesting = useApiCall();
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const open = step.status === "awaiting-attestation";
  const attested = new Set(step.attestations.map((a) => a.participantId));
  const eligible = view.participants.filter((p) => step.attestation.roles.includes(p.role) && !attested.has(p.id));
  const allChecked = step.checklist.every((item) => checked.includes(item));
  const named = (step.attestation.including ?? []).map((n) => n.title);
  const who = `${step.attestation.count} ${step.attestation.roles.map((r) => roleTitlePlural(r, step.attestation.count).toLowerCase()).join(" or ")}${named.length ? `, including the ${named.join(" and the ")},` : ""}`;

  // When the action has run, attesting is the next thing to do: the first checklist box (or the
  // name) takes focus, in whichever window shows this panel.
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>(".person-pin-form input, .person-pin-form select")?.focus();
  }, [open, step.index]);

  const toggle = (item: string, on: boolean) => setChecked((c) => (on ? [...c, item] : c.filter((x) => x !== item)));

  return (
    <section ref={panel} className="witness-attestation panel" aria-labelledby={`attest-heading-${step.index}`}>
      <Heading id={`attest-heading-${step.index}`}>Witnesses: attest step {step.index + 1}</Heading>
      <p className="attest-rule">
        Attested by {step.attestations.length} of the {who} this step needs.
      </p>
      {/* While attestations are too few, the line above says so; the core's sentence is shown when it says more (the performer cannot be the only witness). */}
      {step.shortfall && step.attestations.length >= step.attestation.count ? (
        <p className="attest-shortfall">
          <span aria-hidden="true">○ </span>Still missing: {step.shortfall}.
        </p>
      ) : null}
      {step.attestations.length > 0 ? (
        <ul className="attester-list" aria-label="Attested">
          {step.attestations.map((a) => (
            <li key={a.participantId}>
              <span aria-hidden="true">✔ </span>
              {a.name} <span className="muted">at {formatUtcClock(a.time)} UTC</span>
            </li>
          ))}
        </ul>
      ) : null}
      {open ? (
        <PersonPinForm
          idPrefix={`attest-${step.index}`}
          people={eligible}
          submitLabel="Attest this step"
          pending={attesting.pending}
          error={attesting.error}
          disabled={!allChecked}
          disabledReason={allChecked ? undefined : "Tick every item you saw happen before attesting."}
          onSubmit={async (participantId, pin) => {
            const next = await attesting.run(() => call("ceremony:attest", { participantId, pin, confirmed: checked }));
            if (next) {
              setChecked([]);
              accept(next);
            }
            return next;
          }}
        >
          <Checklist items={step.checklist} checked={checked} onToggle={toggle} idPrefix={`check-${step.index}`} />
        </PersonPinForm>
      ) : step.status !== "completed" ? (
        <>
          <p className="waiting">
            <span aria-hidden="true">○ </span>Witnesses attest after the action has succeeded.
          </p>
          <ChecklistPreview items={step.checklist} />
        </>
      ) : null}
    </section>
  );
}

function Checklist({ items, checked, onToggle, idPrefix }: { items: string[]; checked: string[]; onToggle(item: string, on: boolean): void; idPrefix: string }) {
  if (items.length === 0) return <p>This step has no checklist items.</p>;
  return (
    <fieldset className="checklist">
      <legend>Tick each item you saw</legend>
      <ul>
        {items.map((item, i) => (
          <li key={item}>
            <input type="checkbox" id={`${idPrefix}-${i}`} checked={checked.includes(item)} onChange={(e) => onToggle(item, e.target.checked)} />
            <label htmlFor={`${idPrefix}-${i}`}>{item}</label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** Before the action: what the witnesses will be asked to confirm, as text (nothing to tick yet). */
function ChecklistPreview({ items }: { items: string[] }) {
  if (items.length === 0) return null;
  return (
    <section className="checklist-preview" aria-label="What witnesses will confirm">
      <p className="checklist-preview-title">What witnesses will confirm</p>
      <ul>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  );
}
