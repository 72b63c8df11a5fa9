import type { VerificationView } from "../../../../src/api/contract.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { NamedWitnesses } from "../../components/named-witnesses.tsx";
import { ResumedNote } from "../../components/resumed-note.tsx";
import { AbortCeremony } from "./abort-dialog.tsx";
import { CurrentStep } from "./current-step.tsx";
import { FinishPanel } from "./finish-panel.tsx";
import { MilestoneNote } from "./milestone-note.tsx";
import { StepTimeline } from "./step-timeline.tsx";

/** The officer's screen while steps run: the timeline beside the step in hand. */
export function OfficerConsole({ onFinished }: { onFinished(verification: VerificationView): void }) {
  const { view } = useOpenCeremony();
  const step = view.currentStep === null ? null : view.steps[view.currentStep];
  return (
    <div className="officer-console">
      <StepTimeline view={view} />
      <div className="console-main">
        <ResumedNote view={view} />
        <MilestoneNote view={view} />
        <NamedWitnesses view={view} compact />
        {view.phase === "ready-to-finish" || !step ? <FinishPanel onFinished={onFinished} /> : <CurrentStep key={step.index} step={step} />}
        <footer className="console-footer">
          <AbortCeremony />
        </footer>
      </div>
    </div>
  );
}
