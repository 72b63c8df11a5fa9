import { useCallback, useEffect, useState } from "react";
import type { ResponseOf } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";

/** Whether any network interface is up, before anyone signs in. */
export function AirGapStatus() {
  const [result, setResult] = useState<ResponseOf<"airgap:check"> | null>(null);
  const checking = useApiCall();
  const { run } = checking;
  const check = useCallback(() => run(async () => setResult(await call("airgap:check", {}))), [run]);
  useEffect(() => {
    void check();
  }, [check]);
  return (
    <fieldset className="airgap-status">
      <legend>5. Air gap</legend>
      {result === null ? null : result.clear ? (
        <Notice tone="success" title="No network interface is up.">
          <p>The workstation is offline.</p>
        </Notice>
      ) : (
        <Notice tone="warning" title={`Network interfaces are up: ${result.interfacesUp.join(", ")}`}>
          <p>
            Unplug network cables and switch wireless off, then check again. A script that blocks connected machines will not run its steps; a rehearsal can go on
            once two internal witnesses attest an override, which the transcript records.
          </p>
        </Notice>
      )}
      {checking.error ? <ErrorNotice error={checking.error} title="The interfaces could not be checked" /> : null}
      <button type="button" className="button-secondary" onClick={() => void check()} disabled={checking.pending}>
        {checking.pending ? "Checking…" : "Check again"}
      </button>
    </fieldset>
  );
}
