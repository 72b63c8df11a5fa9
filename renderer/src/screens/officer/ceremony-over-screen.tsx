import { useEffect, useState } from "react";
import type { VerificationView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";
import { CopyHighlight, PgpWords } from "../../components/read-aloud.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { VerificationBanner } from "../../components/verification-banner.tsx";
import { formatFingerprint } from "../../../../src/common/index.ts";
import { routeHref } from "../../routing/use-hash-route.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { FinishPanel } from "./finish-panel.tsx";

/** As the printed script's closing blanks ask (src/ceremony/paper-script.ts). */
const MILESTONE_DIGITS = 8;
const FINGERPRINT_DIGITS = 16;

/**
 * After the ceremony: where the bundle is, whether it verifies, and the journal head and signer
 * fingerprint that witnesses copy onto the paper script.
 */
export function CeremonyOverScreen({
  verification,
  onFinished,
  onNewCeremony,
}: {
  verification: VerificationView | null;
  onFinished(v: VerificationView): void;
  onNewCeremony(): void;
}) {
  const { view } = useOpenCeremony();
  const [checked, setChecked] = useState<VerificationView | null>(verification);
  const verifying = useApiCall();
  const { run } = verifying;
  const bundleDir = view.bundleDir;

  useEffect(() => {
    if (verification) setChecked(verification);
    else if (bundleDir) void run(async () => setChecked(await call("bundle:verify", { dir: bundleDir })));
  }, [verification, bundleDir, run]);

  if (view.phase === "aborted" && !bundleDir) {
    return (
      <div className="screen ceremony-over">
        <FinishPanel onFinished={onFinished} note={<Notice tone="warning" title={`Aborted: ${view.abortReason ?? "no reason recorded"}`} />} />
        <div className="button-row">
          <button type="button" className="button-secondary" onClick={onNewCeremony}>
            Start another ceremony without signing
          </button>
        </div>
      </div>
    );
  }
  // Completed in the journal, but writing the bundle failed: it is written from the journal again.
  if (!bundleDir) {
    return (
      <div className="screen ceremony-over">
        <FinishPanel onFinished={onFinished} />
      </div>
    );
  }

  return (
    <div className="screen ceremony-over">
      <ScreenHeading eyebrow={view.title}>{view.phase === "aborted" ? "Ceremony aborted — transcript signed" : "Ceremony complete"}</ScreenHeading>
      {checked ? <VerificationBanner verification={checked} /> : null}
      {verifying.error ? <ErrorNotice error={verifying.error} title="The bundle could not be verified" /> : null}
      <section className="panel paper-copy" aria-labelledby="paper-heading">
        <h2 id="paper-heading">Copy onto the paper script</h2>
        <dl className="paper-values">
          <div>
            <dt>Final journal head (first 8 hex digits)</dt>
            <dd className="read-aloud-hex">
              <CopyHighlight text={formatFingerprint(view.head)} digits={MILESTONE_DIGITS} />
            </dd>
          </div>
          <div>
            <dt>Journal events</dt>
            <dd className="read-aloud-text">{checked?.checkpoint?.eventCount ?? view.eventCount}</dd>
          </div>
          {checked?.signer ? (
            <div>
              <dt>Transcript signer fingerprint (SPKI SHA-256, first {FINGERPRINT_DIGITS} hex digits)</dt>
              <dd>
                <span className="read-aloud-hex">
                  <CopyHighlight text={checked.signer.hexGroups} digits={FINGERPRINT_DIGITS} />
                </span>
                <PgpWords words={checked.signer.words} marked={FINGERPRINT_DIGITS / 2} />
              </dd>
            </div>
          ) : null}
        </dl>
      </section>
      {bundleDir ? (
        <section className="panel" aria-labelledby="bundle-heading">
          <h2 id="bundle-heading">Bundle</h2>
          <p>
            <code className="bundle-path">{bundleDir}</code>
          </p>
          <p>Copy this folder to the write-once medium. The online system imports it; auditors verify it with the Auditor screen or stock OpenSSL.</p>
        </section>
      ) : null}
      <div className="button-row">
        {bundleDir ? (
          <a className="button button-secondary" href={routeHref("auditor", { dir: bundleDir })}>
            Open in the auditor screen
          </a>
        ) : null}
        <button type="button" className="button-primary" onClick={onNewCeremony}>
          Start another ceremony
        </button>
      </div>
    </div>
  );
}
