import { useState } from "react";
import type { EvidenceReportView, ResponseOf } from "../../../../src/api/contract.ts";
import { formatFingerprintPrefix, formatUtc, roleTitle } from "../../../../src/common/index.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";
import { Notice } from "../../components/notice.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";

type Status = EvidenceReportView["requirements"][number]["status"];
const STATUS: Record<Status, { text: string; symbol: string }> = {
  evidenced: { text: "EVIDENCED", symbol: "✔" },
  missing: { text: "MISSING", symbol: "○" },
  overdue: { text: "OVERDUE", symbol: "▲" },
  contradicted: { text: "CONTRADICTED", symbol: "✖" },
};
const ORDER: Status[] = ["contradicted", "overdue", "missing", "evidenced"];
const USE: Record<EvidenceReportView["bundles"][number]["use"], string> = {
  evidence: "used as evidence",
  "not-verified": "NOT VERIFIED — excluded",
};

/** "| Split knowledge | PCI-DSS Req. 3.7.6 | … |" (a row of the seed's table) as "Split knowledge / PCI-DSS Req. 3.7.6 / …". */
function tableRow(quote: string): string {
  return quote.replace(/^\|\s*|\s*\|$/g, "").replace(/\s*\|\s*/g, " / ");
}

function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`evidence-status evidence-${status}`}>
      <span aria-hidden="true">{STATUS[status].symbol} </span>
      {STATUS[status].text}
    </span>
  );
}

/**
 * The policy evidence report (docs/evidence-report.md) on screen: every bundle verified first,
 * then each requirement of the seed policies with the events that evidence it and what is
 * missing, overdue or contradicted. Status is in words and symbols, never colour alone.
 */
export function EvidenceScreen() {
  const [dirs, setDirs] = useState("");
  const [asOf, setAsOf] = useState("");
  const [signers, setSigners] = useState("");
  const [save, setSave] = useState(false);
  const [result, setResult] = useState<ResponseOf<"report:evidence"> | null>(null);
  const checking = useApiCall();
  const lines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);

  const check = () =>
    checking.run(async () => {
      setResult(null);
      const request = { save, ...(lines(dirs).length ? { dirs: lines(dirs) } : {}), ...(asOf ? { asOf } : {}), ...(lines(signers).length ? { signers: lines(signers) } : {}) };
      setResult(await call("report:evidence", request));
    });

  const report = result?.report ?? null;
  return (
    <div className="screen evidence-screen">
      <ScreenHeading eyebrow="Auditor">Policy evidence from the bundles</ScreenHeading>
      <p className="lead">
        Every bundle is verified first; only verified ones count. Then each requirement of the key-management policy is shown with the ceremonies and events that evidence it, and
        what is missing, overdue or contradicted.
      </p>
      <form
        className="panel evidence-form"
        aria-labelledby="evidence-form-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void check();
        }}
      >
        <h2 id="evidence-form-heading">Which bundles, as of when</h2>
        <div className="evidence-form-fields">
          <Field id="evidence-dirs" label="Bundle folders, one per line" hint="Bundles, or folders that hold them. Empty: every bundle on this workstation.">
            {(props) => <textarea {...props} rows={3} value={dirs} onChange={(e) => setDirs(e.target.value)} spellCheck={false} />}
          </Field>
          <Field id="evidence-as-of" label="Rotation dates as of" hint="The end of the audit period; empty: today.">
            {(props) => <input {...props} type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />}
          </Field>
          <Field id="evidence-signers" label="Expected signers, one per line" hint="The fingerprint from each witness sheet (64 hex digits or 32 PGP words). Empty: nothing is anchored.">
            {(props) => <textarea {...props} rows={2} value={signers} onChange={(e) => setSigners(e.target.value)} spellCheck={false} />}
          </Field>
        </div>
        <div className="field field-checkbox">
          <input type="checkbox" id="evidence-save" checked={save} onChange={(e) => setSave(e.target.checked)} aria-describedby="evidence-save-hint" />
          <label htmlFor="evidence-save">Also save the report as PDF and JSON</label>
          <p className="hint" id="evidence-save-hint">
            In the workstation's data folder, under reports/; the paths are shown once saved.
          </p>
        </div>
        <button type="submit" className="button-primary button-large" disabled={checking.pending}>
          {checking.pending ? "Verifying and checking…" : "Check the policy"}
        </button>
      </form>
      {checking.error ? <ErrorNotice error={checking.error} title="The report could not be made" /> : null}
      {report ? (
        <div className="evidence-report">
          <Summary report={report} />
          {result?.saved ? (
            <Notice tone="success" title="The report is saved.">
              <p>
                PDF: <code>{result.saved.pdf}</code>
                <br />
                JSON: <code>{result.saved.json}</code>
              </p>
            </Notice>
          ) : null}
          <Bundles report={report} />
          <Pci report={report} />
          <h2>Requirements</h2>
          {report.requirements.map((r, i) => (
            <Requirement key={r.id} requirement={r} number={i + 1} />
          ))}
          <section aria-labelledby="evidence-notes-heading">
            <h2 id="evidence-notes-heading">Notes</h2>
            <ul>
              {report.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          </section>
        </div>
      ) : null}
    </div>
  );
}

function Summary({ report }: { report: EvidenceReportView }) {
  const s = report.summary;
  const total = report.requirements.length;
  return (
    <section className="panel evidence-summary" aria-labelledby="evidence-summary-heading" role="status">
      <h2 id="evidence-summary-heading">
        {s.requirements.evidenced} of {total} requirements evidenced
      </h2>
      <ul className="status-summary" aria-label="Requirements by status">
        {ORDER.map((status) => (
          <li key={status}>
            <StatusBadge status={status} /> {s.requirements[status]}
          </li>
        ))}
      </ul>
      <p>
        As of {formatUtc(report.asOf)}. {s.bundles} bundles read: {s.usedAsEvidence} used as evidence, {s.notVerified} not verified, {s.notAnchored} not anchored.
      </p>
    </section>
  );
}

function Bundles({ report }: { report: EvidenceReportView }) {
  return (
    <div className="table-scroll">
      <table className="data-table evidence-bundles">
        <caption>Bundles read ({report.bundles.length}), each verified before its events were used</caption>
        <thead>
          <tr>
            <th scope="col">Bundle</th>
            <th scope="col">Ceremony</th>
            <th scope="col">Signer</th>
            <th scope="col">Verdict and use</th>
          </tr>
        </thead>
        <tbody>
          {report.bundles.map((b) => (
            <tr key={b.path} className={b.use === "evidence" ? undefined : "evidence-bundle-excluded"}>
              <th scope="row" className="mono">
                {b.path}
              </th>
              <td>
                {b.ceremonyId ?? "(unreadable)"}
                {b.rehearsal ? <span className="cell-note">REHEARSAL</span> : null}
              </td>
              <td className="mono">{b.signerSpkiSha256 ? `${formatFingerprintPrefix(b.signerSpkiSha256)} ${b.anchored ? "anchored" : "not anchored"}` : "none"}</td>
              <td>
                <strong>{USE[b.use]}</strong>
                {b.failures.slice(0, 3).map((f, i) => (
                  <span key={i} className="cell-line">
                    <code>{f.code}</code> {f.message}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pci({ report }: { report: EvidenceReportView }) {
  const number = new Map(report.requirements.map((r, i) => [r.id, i + 1]));
  return (
    <div className="table-scroll">
      <table className="data-table evidence-pci">
        <caption>PCI-DSS 3.7.1 to 3.7.7: the standard's requirement, the seed policy's mapping, and the requirements below that judge it</caption>
        <thead>
          <tr>
            <th scope="col">PCI-DSS</th>
            <th scope="col">PCI-DSS v4.0.1</th>
            <th scope="col">Seed's mapping (001 §9)</th>
            <th scope="col">Judged by</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {report.pciDss.map((p) => (
            <tr key={p.id}>
              <th scope="row">{p.id}</th>
              <td>{p.pciTitle}</td>
              <td>{p.seedMapping ? tableRow(p.seedMapping.quote) : "no row in the seed's mapping"}</td>
              <td>{p.requirements.map((id) => `no. ${number.get(id) ?? "?"}`).join(", ")}</td>
              <td>
                <StatusBadge status={p.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Requirement({ requirement: r, number }: { requirement: EvidenceReportView["requirements"][number]; number: number }) {
  const headingId = `requirement-${r.id}`;
  return (
    <section className={`panel evidence-requirement evidence-requirement-${r.status}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {number}. {r.title} <StatusBadge status={r.status} />
      </h3>
      <ul className="evidence-sources">
        {r.sources.map((s, i) => (
          <li key={i}>
            <span className="mono">{s.seedFile}</span> {s.section}: <q>{s.quote}</q>
          </li>
        ))}
      </ul>
      <p className="hint">Checked: {r.check}</p>
      {r.findings.length ? (
        <ul className="evidence-findings" aria-label={`What is missing, overdue or contradicted for requirement ${number}`}>
          {r.findings.map((f, i) => (
            <li key={i}>
              <StatusBadge status={f.kind} /> {f.text}
            </li>
          ))}
        </ul>
      ) : null}
      {r.evidence.length ? (
        <div className="table-scroll">
          <table className="data-table evidence-items">
            <caption>Evidence for requirement {number}</caption>
            <thead>
              <tr>
                <th scope="col">Ceremony and event</th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">What it shows</th>
              </tr>
            </thead>
            <tbody>
              {r.evidence.map((e, i) => (
                <tr key={i}>
                  <th scope="row" className="mono">
                    {e.ceremonyId}
                    {e.seq !== null ? <span className="cell-note">seq {e.seq}</span> : null}
                  </th>
                  <td>{formatUtc(e.time)}</td>
                  <td>{e.actor ? `${e.actor.name}, ${roleTitle(e.actor.role)}` : "—"}</td>
                  <td>{e.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
