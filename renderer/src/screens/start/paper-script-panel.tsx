import { useState } from "react";
import type { ResponseOf, ScriptSummary } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { formatFingerprint } from "../../../../src/common/index.ts";

/**
 * The paper script for the witnesses, printed before the ceremony from exactly these parameters.
 * Both hashes are shown here as on every printed page, so the room can check the paper belongs
 * to the ceremony about to start (ceremony.started records the same two values).
 */
export function PaperScriptPanel({ summary, parameters, rehearsal, checking }: { summary: ScriptSummary; parameters: Record<string, unknown>; rehearsal: boolean; checking: boolean }) {
  const printing = useApiCall();
  const [printed, setPrinted] = useState<ResponseOf<"scripts:print"> | null>(null);
  const ready = summary.issues.length === 0 && !checking && summary.sha256 !== undefined && summary.parametersSha256 !== undefined;
  const stale = printed !== null && (printed.scriptSha256 !== summary.sha256 || printed.parametersSha256 !== summary.parametersSha256);
  const print = () =>
    printing.run(async () => {
      setPrinted(await call("scripts:print", { file: summary.file, parameters, rehearsal }));
    });
  return (
    <section className="paper-script-panel" aria-labelledby="paper-script-heading">
      <h2 id="paper-script-heading">Paper script for the witnesses</h2>
      {ready ? (
        <dl className="paper-hashes">
          <div>
            <dt>Script SHA-256</dt>
            <dd className="hash-value">{formatFingerprint(summary.sha256 ?? "")}</dd>
          </div>
          <div>
            <dt>Parameters SHA-256</dt>
            <dd className="hash-value">{formatFingerprint(summary.parametersSha256 ?? "")}</dd>
          </div>
        </dl>
      ) : (
        <p className="hint">The paper script can be printed once the parameters are valid.</p>
      )}
      <button type="button" className="button-secondary" disabled={!ready || printing.pending} onClick={() => void print()}>
        {printing.pending ? "Preparing the paper script…" : "Print the ceremony script"}
      </button>
      <div role="status">
        {printed && !stale ? (
          <p className="text-success">
            <span aria-hidden="true">✔ </span>Saved as <code className="bundle-path">{printed.path}</code>. Print it and hand it to the witnesses; every page carries the two hashes above.
          </p>
        ) : null}
        {printed && stale ? <p className="text-danger">The parameters changed after printing: print the script again, and discard the old paper.</p> : null}
      </div>
      {printing.error ? <ErrorNotice error={printing.error} title="The paper script was not made" /> : null}
    </section>
  );
}
