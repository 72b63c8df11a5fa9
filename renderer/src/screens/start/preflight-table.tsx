import type { PreflightView } from "../../../../src/api/contract.ts";

const VERDICT_TEXT = { ok: "OK", refused: "Refused", unverified: "Not tested" } as const;

/**
 * The HSM check before anybody signs in: what the script needs, what the token offers, the
 * verdict, and for each refusal what to do. A refused need keeps the ceremony from starting.
 */
export function PreflightTable({ report }: { report: PreflightView }) {
  const refused = report.rows.filter((r) => r.verdict === "refused");
  return (
    <section className="preflight" aria-labelledby="preflight-heading">
      <h2 id="preflight-heading">HSM check: {report.ok ? "the token can do everything this ceremony needs" : "the token cannot run this ceremony"}</h2>
      <p className="hint">
        Token “{report.token.label}” (serial {report.token.serial}, {report.token.manufacturer} {report.token.model}): {report.mechanismCount} mechanisms
        {report.rfc5649Mechanism ? `, RFC 5649 key wrap by ${report.rfc5649Mechanism}` : ""}; checked in {report.elapsedMs} ms.
      </p>
      <table className="preflight-table">
        <thead>
          <tr>
            <th scope="col">Needed</th>
            <th scope="col">Steps</th>
            <th scope="col">The token offers</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.need} className={`preflight-${r.verdict}`}>
              <th scope="row">{r.need}</th>
              <td>{r.steps}</td>
              <td>{r.offered}</td>
              <td>{VERDICT_TEXT[r.verdict]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {refused.length ? (
        <ul className="preflight-advice" role="alert">
          {refused.map((r) => (
            <li key={r.need}>
              <strong>{r.need}:</strong> {r.advice}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
