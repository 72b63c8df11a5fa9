import { useRef, useState, type ReactNode } from "react";
import type { VerificationView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { Field } from "../../components/field.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { HsmProgress } from "./hsm-progress.tsx";
import { StepFailureNotice, useStepFailure } from "./step-failure.tsx";

/** Errors about a folder chosen for the bundle: shown on that folder's field. */
const FOLDER_ERRORS = new Set(["OUT_NOT_A_FOLDER", "OUT_NOT_EMPTY", "OUT_NOT_WRITABLE"]);
/** Failures of writing the bundle itself: another folder can cure them. */
const WRITE_ERRORS = new Set(["BUNDLE_EXISTS", "BUNDLE_WRITE_FAILED"]);

/**
 * The last act: the transcript is built from the journal, signed in the HSM, written as a
 * bundle and verified. After a restart the HSM session is gone, so the PIN is asked again. When
 * writing the bundle fails (a full disk, a pulled stick, a folder no longer empty), everything
 * signed is still in the journal: the bundle is written from it again, here (where retrying can
 * help) or to another new or empty folder.
 */
export function FinishPanel({ onFinished, note }: { onFinished(verification: VerificationView): void; note?: ReactNode }) {
  const { view, accept, refresh } = useOpenCeremony();
  const [hsmPin, setHsmPin] = useState("");
  const [otherDir, setOtherDir] = useState("");
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const finishing = useApiCall();
  const aborted = view.phase === "aborted";
  const needsPin = !view.hsmReady;
  const pinInput = useRef<HTMLInputElement>(null);
  const signButton = useRef<HTMLButtonElement>(null);
  const folderError = finishing.error && FOLDER_ERRORS.has(finishing.error.code) ? finishing.error : null;
  // The core keeps the last failure: this panel may be shown anew once the journal says "completed".
  const shown = finishing.pending ? null : folderError ? view.finishError : (finishing.error ?? view.finishError);
  const writeFailed = (shown !== null && WRITE_ERRORS.has(shown.code)) || folderError !== null || (view.phase === "completed" && view.bundleDir === null);
  // Signing takes no input but the PIN: "Retry" only where retrying can help, else another folder or Abort.
  const failure = useStepFailure(shown, [], needsPin ? pinInput : signButton, () => undefined);
  const pinMissing = needsPin && !hsmPin;

  const finish = async (outDir?: string) => {
    const pin = hsmPin;
    setHsmPin("");
    failure.attempted();
    setStartedAt(Date.now());
    const result = await finishing.run(() => call("ceremony:finish", { ...(needsPin ? { hsmPin: pin } : {}), ...(outDir ? { outDir } : {}) }));
    setStartedAt(null);
    if (result) {
      onFinished(result.verification);
      accept(result.view);
    } else {
      // The core may have ended the ceremony before the write failed: show what the journal holds.
      void refresh();
    }
  };

  return (
    <section className="finish-panel" aria-labelledby="finish-heading">
      <ScreenHeading eyebrow={aborted ? "Aborted" : `All ${view.steps.length} steps attested`}>
        <span id="finish-heading">{writeFailed ? "Write the bundle from the journal" : aborted ? "Sign the aborted ceremony's transcript" : "Finish the ceremony"}</span>
      </ScreenHeading>
      {note}
      <p className="lead">
        The transcript is built from the journal ({view.eventCount} events), signed by the HSM's transcript-signing key, written as a bundle, and verified the way an
        auditor would verify it — before anyone leaves the room.
      </p>
      <p>
        Bundle folder: <code className="bundle-path">{view.outDir}</code>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!pinMissing && failure.mayRun) void finish();
        }}
      >
        {needsPin ? (
          <Field id="finish-hsm-pin" label="HSM user PIN" hint="The transcript is signed inside the HSM, and no HSM session is open (none yet, or closed by a restart or a replug): the crypto officer types the PIN.">
            {(props) => <input {...props} ref={pinInput} type="password" value={hsmPin} onChange={(e) => setHsmPin(e.target.value)} autoComplete="off" maxLength={128} />}
          </Field>
        ) : null}
        {finishing.pending && startedAt !== null ? <HsmProgress startedAt={startedAt} /> : null}
        {/* Once the journal holds the ceremony's end, it can no longer be aborted: the bundle is what is left to write. */}
        <StepFailureNotice failure={failure} title={writeFailed ? "The bundle was not written" : "The transcript was not signed"} canAbort={!aborted && view.phase !== "completed"} />
        {writeFailed ? <p className="hint">Every step is kept in the journal. Write the bundle again once its folder is usable, or to another new or empty folder below.</p> : null}
        {failure.mayRun ? (
          <button ref={signButton} type="submit" className="button-primary button-large" disabled={finishing.pending || pinMissing}>
            {finishing.pending ? "Signing and verifying…" : writeFailed ? "Retry: write the bundle to this folder" : failure.offer === "retry" ? "Retry: sign and verify" : "Sign the transcript and write the bundle"}
          </button>
        ) : null}
      </form>
      {writeFailed ? (
        <form
          className="other-folder"
          aria-label="Write the bundle to another folder"
          onSubmit={(e) => {
            e.preventDefault();
            if (otherDir.trim() && !pinMissing) void finish(otherDir.trim());
          }}
        >
          <Field id="finish-other-dir" label="Another bundle folder" hint="A new or empty folder, e.g. on another removable medium. The bundle is built from the journal again." error={folderError?.message ?? null}>
            {(props) => <input {...props} type="text" value={otherDir} onChange={(e) => setOtherDir(e.target.value)} spellCheck={false} autoComplete="off" />}
          </Field>
          <button type="submit" className="button-secondary button-large" disabled={finishing.pending || pinMissing || otherDir.trim() === ""}>
            Write the bundle to the other folder
          </button>
        </form>
      ) : null}
    </section>
  );
}
