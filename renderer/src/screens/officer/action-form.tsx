import { useRef, useState } from "react";
import type { StepView } from "../../../../src/api/contract.ts";
import { Field } from "../../components/field.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { CardSetVoidPanel } from "./card-set-void-panel.tsx";
import { FilePicker, type PickedFile } from "./file-picker.tsx";
import { HsmProgress } from "./hsm-progress.tsx";
import { defaultPerformer, PerformerSelect } from "./performer-select.tsx";
import { PreviewPanel } from "./preview-panel.tsx";
import { StepFailureNotice, useStepFailure } from "./step-failure.tsx";
import { useRunAction } from "./use-run-action.ts";

/** The officer's controls for a step whose inputs are the performer, an HSM PIN and a file. */
export function ActionForm({ step }: { step: StepView }) {
  const { view } = useOpenCeremony();
  const [performer, setPerformer] = useState(() => defaultPerformer(step.performerRole, view.participants));
  const [hsmPin, setHsmPin] = useState("");
  const [file, setFile] = useState<PickedFile | null>(null);
  // A new picker (an empty file input) each time different input is asked for.
  const [pickerKey, setPickerKey] = useState(0);
  const pinInput = useRef<HTMLInputElement>(null);
  const runButton = useRef<HTMLButtonElement>(null);
  const action = useRunAction();
  const needsPin = step.needs.includes("hsm-pin");
  const needsFile = step.needs.includes("file");
  const awaitingPreview = step.preview?.required === true;
  const missing = [
    step.cardSetVoid ? "the witnesses' attestation that the void set's delivered cards were collected" : null,
    awaitingPreview ? "the witnesses' confirmation of what the HSM will do" : null,
    !performer ? "the performer" : null,
    needsPin && hsmPin === "" ? "the HSM PIN" : null,
    needsFile && !file ? "the file" : null,
  ].filter(Boolean);
  const failed = step.status === "failed";
  const shown = action.pending ? null : (action.error ?? (failed ? step.lastError : null));
  const failure = useStepFailure(shown, step.needs, needsPin ? pinInput : runButton, () => {
    setFile(null);
    setPickerKey((k) => k + 1);
  });

  const submit = () => {
    const pin = hsmPin;
    // The PIN is tried once and not kept: a retry means typing it again.
    setHsmPin("");
    failure.attempted();
    void action.runAction({
      performerId: performer,
      ...(needsPin ? { hsmPin: pin } : {}),
      ...(needsFile && file ? { file } : {}),
    });
  };

  return (
    <>
      <CardSetVoidPanel step={step} />
      <PreviewPanel step={step} />
      <form
        className="action-form"
        aria-label="Run the step's action"
        onSubmit={(e) => {
          e.preventDefault();
          if (missing.length === 0 && !action.pending && failure.mayRun) submit();
        }}
      >
        <PerformerSelect id={`performer-${step.index}`} role={step.performerRole} people={view.participants} value={performer} onChange={setPerformer} />
        {needsPin ? (
          <Field id="hsm-pin" label="HSM user PIN" hint={view.rehearsal ? "Rehearsal token: the PIN is rehearsal-user-1234." : "The crypto officer types it; nobody else looks at the keyboard. A wrong PIN is not retried by the app."}>
            {/* A new step: typing the PIN is the next thing to do. */}
            {(props) => <input {...props} ref={pinInput} type="password" value={hsmPin} onChange={(e) => setHsmPin(e.target.value)} autoComplete="off" maxLength={128} autoFocus />}
          </Field>
        ) : null}
        {needsFile ? <FilePicker key={pickerKey} id="step-file" onPicked={setFile} autoFocus={failure.reopened} /> : null}
        {action.pending && action.startedAt !== null ? <HsmProgress startedAt={action.startedAt} /> : null}
        <StepFailureNotice failure={failure} title={`Step ${step.index + 1} failed`} reopenLabel={needsFile ? "Choose a different file" : "Enter different input"} />
        {failure.mayRun ? (
          <>
            <div className="button-row">
              {/* A new step without a PIN: running it is the next thing to do. */}
              <button
                ref={runButton}
                type="submit"
                className="button-primary button-large"
                autoFocus={!needsPin && !failure.error}
                disabled={missing.length > 0 || action.pending}
                aria-describedby={missing.length || failure.error ? `action-missing-${step.index}` : undefined}
              >
                {action.pending ? "Running…" : failure.offer === "retry" ? "Retry the action" : failure.reopened ? "Run the action again" : "Run the action"}
              </button>
            </div>
            {missing.length || failure.error ? (
              <p className="hint" id={`action-missing-${step.index}`}>
                {missing.length
                  ? `Before running: give ${missing.join(" and ")}.`
                  : failure.reopened
                    ? "Give the different input, then run the step again, or abort the ceremony."
                    : "Fix what the message says, then retry, or abort the ceremony."}
              </p>
            ) : null}
          </>
        ) : null}
      </form>
    </>
  );
}
