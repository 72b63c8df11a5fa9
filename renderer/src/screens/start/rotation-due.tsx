import { useEffect, useState } from "react";
import type { KeyView, ScriptSummary } from "../../../../src/api/contract.ts";
import { formatKeyId, formatUtcDate, rotationIsDue } from "../../../../src/common/index.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";

const STATUS = {
  overdue: { text: "OVERDUE", symbol: "■" },
  "due-soon": { text: "Due soon", symbol: "▲" },
} as const;

/**
 * Rotation due drives work (issue 15): the keys the inventory says are due or overdue, most
 * urgent first, each with the ceremony that rotates it and a button that chooses that script.
 * A key a rotation already replaced is due by its scheduled destruction instead, and points to
 * key-destruction.yaml. Choosing the script fills in which key it acts on (label and full ID),
 * where the script has those parameters. Nothing shows when no key is due.
 */
export function RotationDue({ scripts, onChoose }: { scripts: ScriptSummary[]; onChoose(file: string, prefill: Record<string, string>): void }) {
  const [keys, setKeys] = useState<KeyView[] | null>(null);
  const loading = useApiCall();
  const { run } = loading;
  useEffect(() => {
    void run(async () => setKeys(await call("keys:list", {})));
  }, [run]);
  if (loading.error) return <ErrorNotice error={loading.error} title="The key inventory could not be read for rotation dates" />;
  const due = (keys ?? [])
    .filter((k): k is KeyView & { status: "due-soon" | "overdue" } => rotationIsDue(k.status))
    .sort((a, b) => (a.status === b.status ? (a.rotationDueAt ?? "").localeCompare(b.rotationDueAt ?? "") : a.status === "overdue" ? -1 : 1));
  if (due.length === 0) return null;
  return (
    <section className="panel rotation-due" aria-labelledby="rotation-due-heading">
      <h2 id="rotation-due-heading">
        {due.length} {due.length === 1 ? "key is" : "keys are"} due for rotation{due.some((k) => k.replacedBy) ? " or destruction" : ""}
      </h2>
      <ul className="rotation-due-list">
        {due.map((k) => {
          const destroy = k.replacedBy ? "key-destruction.yaml" : null;
          const script = destroy ?? k.rotation?.script ?? null;
          const available = script !== null && (destroy !== null || k.rotation?.available === true) && scripts.some((s) => s.file === script);
          return (
            <li key={`${k.tokenSerial}/${k.ckaId}`} className={`rotation-due-item rotation-due-${k.status}`}>
              <span className={`key-status key-${k.status}`}>
                <span aria-hidden="true">{STATUS[k.status].symbol} </span>
                {STATUS[k.status].text}
              </span>{" "}
              <strong>{k.label}</strong> ({k.algorithm}, {k.purpose}) on token {k.tokenLabel}, ID {formatKeyId(k.ckaId.slice(0, 8))}…:{" "}
              {destroy ? `replaced by ${k.replacedBy?.label ?? "?"}; to be destroyed by` : k.status === "overdue" ? "was due" : "due"}{" "}
              {(destroy ? k.destructionDueAt : k.rotationDueAt) ? formatUtcDate((destroy ? k.destructionDueAt : k.rotationDueAt)!) : "—"}.{" "}
              {destroy ? (
                <>
                  <span>Destroy it with {destroy} (expectedId {k.ckaId}).</span>{" "}
                  {available ? (
                    <button type="button" className="button-secondary" onClick={() => onChoose(destroy, { keyLabel: k.label, expectedId: k.ckaId })}>
                      Choose {destroy}
                    </button>
                  ) : null}
                </>
              ) : script === null ? (
                <span>No ceremony script rotates a {k.purpose} key; replace it in a new ceremony.</span>
              ) : available ? (
                <>
                  <span>Rotate it with {script}.</span>{" "}
                  <button type="button" className="button-secondary" onClick={() => onChoose(script, { oldKeyLabel: k.label, oldKeyId: k.ckaId })}>
                    Choose {script}
                  </button>
                </>
              ) : (
                <span>Rotate it with {script}, which is not among this workstation's ceremony scripts.</span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
