import { useEffect, useState } from "react";
import type { VerificationView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { VerificationBanner } from "../../components/verification-banner.tsx";
import { BundleOutputs } from "./bundle-outputs.tsx";
import { BundlePicker } from "./bundle-picker.tsx";
import { CeremonySummary } from "./ceremony-summary.tsx";
import { EventTimeline } from "./event-timeline.tsx";

/** An auditor checks a finished ceremony's bundle: one verdict, then everything it rests on. */
export function AuditorScreen({ initialDir }: { initialDir: string | null }) {
  const [result, setResult] = useState<VerificationView | null>(null);
  const verifying = useApiCall();
  const { run } = verifying;
  const verify = (dir: string) => run(async () => setResult(await call("bundle:verify", { dir })));

  useEffect(() => {
    if (initialDir) void run(async () => setResult(await call("bundle:verify", { dir: initialDir })));
  }, [initialDir, run]);

  return (
    <div className="screen auditor-screen">
      <ScreenHeading eyebrow="Auditor">Verify a ceremony bundle</ScreenHeading>
      <p className="lead">Checks the DSSE signature, the manifest, every journal event’s hash chain against the signed checkpoint, the script, and every output file.</p>
      <BundlePicker initialDir={initialDir} pending={verifying.pending} onVerify={(dir) => void verify(dir)} />
      {verifying.error ? <ErrorNotice error={verifying.error} title="The bundle could not be read" /> : null}
      {result ? (
        <div className="verification" key={result.dir}>
          <VerificationBanner verification={result} />
          {!result.ok && result.ceremony ? (
            <Notice tone="warning" title="What follows is read from the bundle as it is, not verified.">
              <p>A bundle that fails verification may have been altered: do not rely on any name, time or fingerprint below.</p>
            </Notice>
          ) : null}
          <CeremonySummary verification={result} />
          <BundleOutputs outputs={result.outputs} />
          {result.events.length ? <EventTimeline verification={result} /> : null}
        </div>
      ) : null}
    </div>
  );
}
