import type { CeremonyView, StepView } from "../../../../src/api/contract.ts";
import { ReadAloudOutputs } from "../../components/read-aloud.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { StepStatusBadge } from "../../components/status-badge.tsx";
import { CardSetVoidPanel } from "../officer/card-set-void-panel.tsx";
import { NamedWitnesses } from "../../components/named-witnesses.tsx";
import { WitnessAttestation } from "./witness-attestation.tsx";
import { OLD_CARDS_PER_PAGE, OldCardsTable } from "./old-cards-table.tsx";
import { ReadBackProgress, readBackUnderway } from "./witness-read-back.tsx";

/**
 * The current step for a projector at 1920×1080: the value to check on the left (with the part
 * to copy marked), what to check and the attestation progress on the right, so nothing a
 * witness needs is below the fold.
 */
export function WitnessStep({ view, step }: { view: CeremonyView; step: StepView }) {
  const readBack = step.action === "escrow.read-back";
  const badge =
    readBack && readBackUnderway(view, step) ? (
      <span className="badge badge-running">
        <span aria-hidden="true">◔ </span>Read-back under way
      </span>
    ) : (
      <StepStatusBadge status={step.status} />
    );
  // The old cards of a re-escrow read as one table, in place of one block per card.
  const outputs = step.outputs.filter((o) => !step.oldCards?.replaces.includes(o.name));
  return (
    <>
      <StepStrip view={view} />
      {/* The status rides on the eyebrow's line: beside a long title it would take a line of its own. */}
      <ScreenHeading
        key={step.index}
        className="witness-step-heading"
        eyebrow={
          <span className="witness-step-eyebrow">
            Witness view · step {step.index + 1} of {view.steps.length}
            {badge}
          </span>
        }
      >
        {step.title}
      </ScreenHeading>
      <div className="witness-columns">
        <div className="witness-values">
          {readBack && step.status !== "completed" ? <ReadBackProgress view={view} /> : null}
          <CardSetVoidPanel step={step} />
          {outputs.length > 0 ? (
            <ReadAloudOutputs outputs={outputs} heading="Check against what was read aloud" />
          ) : step.status === "pending" || step.status === "running" ? (
            <p className="witness-waiting">The values to check appear here when the action has run.</p>
          ) : null}
          {step.oldCards ? <OldCardsTable key={step.index} table={step.oldCards} perPage={step.action === "escrow.check-previous" ? OLD_CARDS_PER_PAGE.check : OLD_CARDS_PER_PAGE.revoke} /> : null}
        </div>
        <div className="witness-check">
          <NamedWitnesses view={view} compact />
          <WitnessAttestation step={step} />
        </div>
      </div>
    </>
  );
}

/** Every step by number and title; the current one stands out, done ones are ticked. */
export function StepStrip({ view }: { view: CeremonyView }) {
  return (
    <ol className="step-strip" aria-label="Steps">
      {view.steps.map((s) => (
        <li key={s.id} className={`strip-${s.status}${view.currentStep === s.index ? " strip-current" : ""}`} aria-current={view.currentStep === s.index ? "step" : undefined}>
          <span className="strip-number" aria-hidden="true">
            {s.status === "completed" ? "✔" : s.index + 1}
          </span>
          <span className="strip-title">
            <span className="visually-hidden">Step {s.index + 1}: </span>
            {s.title}
          </span>
          <span className="visually-hidden"> ({s.status === "completed" ? "done" : s.status.replace("-", " ")})</span>
        </li>
      ))}
    </ol>
  );
}
