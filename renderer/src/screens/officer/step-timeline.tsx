import type { CeremonyView } from "../../../../src/api/contract.ts";
import { formatHex } from "../../../../src/common/index.ts";
import { StepStatusBadge } from "../../components/status-badge.tsx";

/** Every step of the script with its state; the current one is marked for screen readers too. */
export function StepTimeline({ view }: { view: CeremonyView }) {
  return (
    <nav className="step-timeline" aria-label="Steps of the ceremony">
      <h2>Steps</h2>
      <ol>
        {view.steps.map((step) => {
          const current = view.currentStep === step.index;
          return (
            <li key={step.id} className={`timeline-step timeline-${step.status}${current ? " timeline-current" : ""}`} aria-current={current ? "step" : undefined}>
              <span className="timeline-number" aria-hidden="true">
                {step.index + 1}
              </span>
              <span className="timeline-body">
                <span className="timeline-title">
                  <span className="visually-hidden">Step {step.index + 1}: </span>
                  {step.title}
                </span>
                <StepStatusBadge status={step.status} />
                {step.milestone ? <span className="timeline-milestone">head {formatHex(step.milestone)}</span> : null}
              </span>
            </li>
          );
        })}
        <li className={`timeline-step timeline-finish${view.phase === "ready-to-finish" ? " timeline-current" : ""}`} aria-current={view.phase === "ready-to-finish" ? "step" : undefined}>
          <span className="timeline-number" aria-hidden="true">
            ✎
          </span>
          <span className="timeline-body">
            <span className="timeline-title">Finish: sign and verify the transcript</span>
          </span>
        </li>
      </ol>
    </nav>
  );
}
