import type { StepView } from "../../../../src/api/contract.ts";
import { InstructionsText } from "../../components/instructions-text.tsx";
import { ReadAloudOutputs } from "../../components/read-aloud.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { StepStatusBadge } from "../../components/status-badge.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { RecoveryScreen } from "../recovery/recovery-screen.tsx";
import { ShareBoard } from "../shares/share-board.tsx";
import { ShareCardsScreen } from "../shares/share-cards-screen.tsx";
import { WitnessAttestation } from "../witness/witness-attestation.tsx";
import { ActionForm } from "./action-form.tsx";

const RECOVERY_ACTIONS = new Set(["escrow.trial-recovery", "escrow.recover"]);

/** The step in hand: what to do, the action's inputs, its outputs, then the witnesses. */
export function CurrentStep({ step }: { step: StepView }) {
  const { view } = useOpenCeremony();
  const acting = step.status === "pending" || step.status === "failed" || step.status === "running";
  return (
    <article className="current-step" aria-labelledby="current-step-heading">
      <header className="current-step-header">
        <ScreenHeading eyebrow={`Step ${step.index + 1} of ${view.steps.length}`}>
          <span id="current-step-heading">{step.title}</span>
        </ScreenHeading>
        <StepStatusBadge status={step.status} />
      </header>
      <InstructionsText source={step.instructions} />
      <p className="action-summary">
        <span className="label">The action: </span>
        {step.actionSummary} <code className="muted">{step.action}</code>
      </p>
      {acting ? (
        step.action === "escrow.read-back" ? (
          <ShareCardsScreen step={step} />
        ) : RECOVERY_ACTIONS.has(step.action) ? (
          <RecoveryScreen step={step} />
        ) : (
          <ActionForm step={step} />
        )
      ) : null}
      <ReadAloudOutputs outputs={step.outputs} heading={step.performer ? `Read aloud — performed by ${step.performer}` : "Read aloud"} />
      {step.action === "escrow.split" && !acting && view.shareBoard.length > 0 ? <ShareBoard board={view.shareBoard} caption="Cards printed — one per holder" /> : null}
      <WitnessAttestation step={step} />
    </article>
  );
}
