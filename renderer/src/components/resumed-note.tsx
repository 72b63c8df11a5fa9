import type { CeremonyView } from "../../../src/api/contract.ts";
import { formatUtc } from "../../../src/common/index.ts";
import { Notice } from "./notice.tsx";

/**
 * After the app stopped mid-ceremony and the ceremony was resumed from its journal: when, and what
 * that means for the step in hand. As `ceremony run` does after a resume, a step whose action had
 * already run shows its outputs again, to be read aloud before anyone attests.
 */
export function ResumedNote({ view }: { view: CeremonyView }) {
  if (!view.resumed || (view.phase !== "steps" && view.phase !== "ready-to-finish")) return null;
  const step = view.currentStep === null ? null : view.steps[view.currentStep];
  const ran = step?.status === "awaiting-attestation" && step.outputs.length > 0;
  return (
    <Notice tone="info" title={`Resumed ${formatUtc(view.resumed.time)} from the journal (verified, ${view.resumed.atEvent} events before the restart)`}>
      <p>
        {ran
          ? `Step ${step.index + 1}'s action had already run before the restart: its outputs are shown again below. Read them aloud again before the witnesses attest.`
          : step
            ? `The ceremony goes on at step ${step.index + 1}, the first not finished.`
            : "Every step is done: the transcript is to be signed."}
        {view.hsmReady ? "" : " The HSM PIN is asked again when a step needs the HSM."}
      </p>
    </Notice>
  );
}
