import { useRef, useState, type ReactNode } from "react";
import type { VerificationView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { Field } from "../../components/field.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { HsmProgress } from "./hsm-progress.tsx";
import { StepFailureNotice, useStepFailure } from "./step-failure.tsx";

/**
 * The last act: the transcript is built from the journal, signed in the HSM, written as a
 * bundle and verified. After a restart the HSM session is gone, so the PIN is asked again.
 */
export function FinishPanel({ onFinished, note }: { onFinished(verification: VerificationView): void; note?: ReactNode }) {
  const { view, accept } = useOpenCeremony();
  const [hsmPin, setHsmPin] = useState("");
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const finishing = useApiCall();
  const aborted = view.phase === "aborted";
  const needsPin = !view.hsmReady;
  const pinInput = useRef<HTMLInputElement>(null);
  const signButton = useRef<HTMLButtonElement>(null);
  // Signing takes no input but the PIN: "Retry" only where retrying can help, else Abort.
  const failure = useStepFailure(finishing.pending ? null : finishing.error, [], needsPin ? pinInput : signButton, () => undefined);

  const finish = async () => {
    const pin = hsmPin;
    setHsmPin("");
    failure.attempted();
    setStartedAt(Date.now());
    const result = await finishing.run(() => call("ceremony:finish", needsPin ? { hsmPin: pin } : {}));
    setStartedAt(null);
    if (result) {
      onFinished(result.verification);
      accept(result.view);
    }
  };

  return (
    <section className="finish-panel" aria-labelledby="finish-heading">
      <ScreenHeading eyebrow={aborted ? "Aborted" : `All ${view.steps.length} steps attested`}>
        <span id="finish-heading">{aborted ? "Sign the aborted ceremony's transcript" : "Finish the ceremony"}</span>
      </ScreenHeading>
      {note}
      <p className="lead">
        The transcript is built from the journal ({view.eventCount} events), signed by the HSM's transcript-signing key, written as a bundle, and verified the way an
        auditor would verify it — before anyone leaves the room.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if ((!needsPin || hsmPin) && failure.mayRun) void finish();
        }}
      >
        {needsPin ? (
          <Field id="finish-hsm-pin" label="HSM user PIN" hint="The transcript is signed inside the HSM, and no HSM session is open (none yet, or closed by a restart or a replug): the crypto officer types the PIN.">
            {(props) => <input {...props} ref={pinInput} type="password" value={hsmPin} onChange={(e) => setHsmPin(e.target.value)} autoComplete="off" maxLength={128} />}
          </Field>
        ) : null}
        {finishing.pending && startedAt !== null ? <HsmProgress startedAt={startedAt} /> : null}
        <StepFailureNotice failure={failure} title="The transcript was not signed" canAbort={!aborted} />
        {failure.mayRun ? (
          <button ref={signButton} type="submit" className="button-primary button-large" disabled={finishing.pending || (needsPin && !hsmPin)}>
            {finishing.pending ? "Signing and verifying…" : failure.offer === "retry" ? "Retry: sign and verify" : "Sign the transcript and write the bundle"}
          </button>
        ) : null}
      </form>
    </section>
  );
}
