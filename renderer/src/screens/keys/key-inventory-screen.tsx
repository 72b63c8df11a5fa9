import { Fragment, useEffect, useState } from "react";
import type { KeyView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { abortedKeyAdvice, formatFingerprintPrefix, formatKcv, formatKeyId, formatUtc, formatUtcDate } from "../../../../src/common/index.ts";

const STATUS: Record<KeyView["status"], { text: string; symbol: string }> = {
  active: { text: "Active", symbol: "●" },
  "due-soon": { text: "Rotation due soon", symbol: "▲" },
  overdue: { text: "OVERDUE for rotation", symbol: "■" },
  destroyed: { text: "Destroyed", symbol: "✖" },
  "partly-destroyed": { text: "PARTLY DESTROYED", symbol: "◐" },
};
const ORDER: KeyView["status"][] = ["overdue", "partly-destroyed", "due-soon", "active", "destroyed"];
/** A key an aborted ceremony made: not active, whatever its rotation date says (as `ceremony keys` says). */
const ABORTED = { text: "ABORTED", symbol: "◆" };
const rank = (k: KeyView): number => (k.abortedCeremony ? -1 : ORDER.indexOf(k.status));

/**
 * Every key the journal knows, most urgent first; status is in words and symbols, not only colour.
 * A key with copies besides its first token (other tokens, escrow cards, wrapped keys) gets a list
 * of them with what became of each: "Destroyed" only when every copy is accounted for.
 */
export function KeyInventoryScreen() {
  const [keys, setKeys] = useState<KeyView[] | null>(null);
  const loading = useApiCall();
  const { run } = loading;
  useEffect(() => {
    void run(async () => setKeys(await call("keys:list", {})));
  }, [run]);
  const sorted = keys ? [...keys].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label)) : [];
  const counts = ORDER.map((s) => ({ status: s, n: sorted.filter((k) => k.status === s && !k.abortedCeremony).length }));
  const aborted = sorted.filter((k) => k.abortedCeremony).length;

  return (
    <div className="screen keys-screen">
      <ScreenHeading eyebrow="Key inventory">Keys made in ceremonies</ScreenHeading>
      {loading.error ? <ErrorNotice error={loading.error} title="The key inventory could not be read" /> : null}
      {keys === null ? (
        <p className="loading">Reading the journal…</p>
      ) : keys.length === 0 ? (
        <p className="lead">No keys yet. Keys appear here once a ceremony generates them.</p>
      ) : (
        <>
          <ul className="status-summary" aria-label="Keys by status">
            {aborted ? (
              <li className="key-status key-aborted">
                <span aria-hidden="true">{ABORTED.symbol} </span>
                {aborted} made by aborted ceremonies
              </li>
            ) : null}
            {counts.map((c) => (
              <li key={c.status} className={c.n ? `key-status key-${c.status}` : "key-status key-none"}>
                <span aria-hidden="true">{STATUS[c.status].symbol} </span>
                {c.n} {STATUS[c.status].text.toLowerCase()}
              </li>
            ))}
          </ul>
          <div className="table-scroll">
            <table className="data-table key-table">
              <caption>{keys.length} keys, most urgent first</caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Label</th>
                  <th scope="col">Algorithm and purpose</th>
                  <th scope="col">Token</th>
                  <th scope="col">Check value or fingerprint</th>
                  <th scope="col">Created</th>
                  <th scope="col">Rotation due / replaced / destroyed</th>
                  <th scope="col">Copies</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((k) => (
                  <Fragment key={`${k.tokenSerial}/${k.ckaId}`}>
                    <tr className={k.abortedCeremony ? "key-row key-row-aborted" : `key-row key-row-${k.status}`}>
                      <td>
                        <span className={`key-status key-${k.abortedCeremony ? "aborted" : k.status}`}>
                          <span aria-hidden="true">{(k.abortedCeremony ? ABORTED : STATUS[k.status]).symbol} </span>
                          {(k.abortedCeremony ? ABORTED : STATUS[k.status]).text}
                        </span>
                      </td>
                      <th scope="row">
                        {k.label}
                        <span className="cell-note mono">ID {k.ckaId}</span>
                      </th>
                      <td>
                        {k.algorithm}
                        <span className="cell-note">{k.purpose}</span>
                      </td>
                      <td>
                        {k.tokenLabel}
                        <span className="cell-note mono">serial {k.tokenSerial}</span>
                      </td>
                      <td className="mono">
                        {k.kcvEcb0 ? <span className="cell-line">KCV-ECB0 {formatKcv(k.kcvEcb0)}</span> : null}
                        {k.kcvCmac ? <span className="cell-line">KCV-CMAC {formatKcv(k.kcvCmac)}</span> : null}
                        {k.spkiSha256 ? <span className="cell-line">SPKI {formatFingerprintPrefix(k.spkiSha256)}</span> : null}
                      </td>
                      <td>{formatUtc(k.createdAt)}</td>
                      <td>
                        {k.destroyedAt
                          ? `destroyed ${formatUtc(k.destroyedAt)}`
                          : k.destructionDueAt
                            ? `scheduled for destruction by ${formatUtcDate(k.destructionDueAt)}`
                            : k.replacedBy
                              ? "replaced; kept (no destruction date)"
                              : k.rotationDueAt
                                ? formatUtc(k.rotationDueAt)
                                : "no rotation date"}
                        {k.replacedBy ? <span className="cell-note">replaced by {k.replacedBy.label} (ID {formatKeyId(k.replacedBy.ckaId)})</span> : null}
                        {(k.replaces ?? []).map((r) => (
                          <span key={r.ckaId} className="cell-note">
                            replaces {r.label} (ID {formatKeyId(r.ckaId)})
                          </span>
                        ))}
                      </td>
                      <td>{copiesSummary(k)}</td>
                    </tr>
                    {k.abortedCeremony ? (
                      <tr className="key-advice-row">
                        <td colSpan={8}>
                          <strong>{k.label}</strong> was {abortedKeyAdvice(k.abortedCeremony, k.ckaId)}
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
          {sorted
            .filter((k) => k.copies.length > 1)
            .map((k) => (
              <KeyCopiesList key={`copies-${k.tokenSerial}/${k.ckaId}/${k.label}`} keyView={k} />
            ))}
        </>
      )}
    </div>
  );
}

function copiesSummary(k: KeyView): string {
  const left = k.copies.filter((c) => c.remains).length;
  if (k.copies.length <= 1) return left ? "this token only" : "none left";
  return left ? `${k.copies.length} copies, ${left} remain` : `${k.copies.length} copies, none left`;
}

/** One key's copies: what each is, where, and what became of it; those that remain come first. */
function KeyCopiesList({ keyView: k }: { keyView: KeyView }) {
  const copies = [...k.copies].sort((a, b) => Number(b.remains) - Number(a.remains));
  const left = copies.filter((c) => c.remains).length;
  const headline =
    k.status === "destroyed"
      ? "DESTROYED — every copy accounted for"
      : k.status === "partly-destroyed"
        ? `PARTLY DESTROYED — ${left} of ${copies.length} copies remain`
        : `${left} of ${copies.length} copies remain`;
  return (
    <section className="key-copies" aria-label={`Copies of ${k.label}`}>
      <h2>
        {k.label}: <span className={`key-status key-${k.status}`}>{headline}</span>
      </h2>
      <ul className="key-copy-list">
        {copies.map((c) => (
          <li key={`${c.kind}-${c.what}`} className={c.remains ? "key-copy key-copy-remains" : "key-copy key-copy-gone"}>
            <span className="key-copy-fate">
              <span aria-hidden="true">{c.remains ? "● " : "✖ "}</span>
              {c.remains ? (c.status === "unknown" ? "LOST" : "REMAINS") : "Gone"}
            </span>{" "}
            <span className="key-copy-what">{c.what}</span>
            {c.status === "present" ? null : <span className="cell-note">{c.fate}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
