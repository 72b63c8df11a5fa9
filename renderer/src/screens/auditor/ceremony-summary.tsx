import type { VerificationView } from "../../../../src/api/contract.ts";
import { PgpWords } from "../../components/read-aloud.tsx";
import { roleTitle } from "../../../../src/common/roles.ts";
import { formatFingerprintPrefix, formatUtc } from "../../../../src/common/index.ts";

/** Which ceremony the bundle records, its checkpoint, its people and its signer. */
export function CeremonySummary({ verification: v }: { verification: VerificationView }) {
  return (
    <div className="ceremony-summary">
      {v.ceremony ? (
        <section className="panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading">
            {v.ceremony.title}
            {v.ceremony.rehearsal ? <span className="badge badge-rehearsal">Rehearsal</span> : null}
          </h2>
          <dl className="fact-grid">
            <div>
              <dt>Ceremony</dt>
              <dd className="mono">{v.ceremony.id}</dd>
            </div>
            <div>
              <dt>Script</dt>
              <dd>{v.ceremony.scriptId}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd className={v.ceremony.status === "completed" ? "text-success" : "text-danger"}>{v.ceremony.status}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatUtc(v.ceremony.startedAt)}</dd>
            </div>
            <div>
              <dt>Ended</dt>
              <dd>{formatUtc(v.ceremony.endedAt)}</dd>
            </div>
            {v.checkpoint ? (
              <div>
                <dt>Checkpoint</dt>
                <dd className="mono">
                  {v.checkpoint.eventCount} events, head {formatFingerprintPrefix(v.checkpoint.head)}
                </dd>
              </div>
            ) : null}
          </dl>
        </section>
      ) : null}
      {v.signer ? (
        <section className="panel signer" aria-labelledby="signer-heading">
          <h2 id="signer-heading">Transcript signer fingerprint</h2>
          <p>Compare with the fingerprint on the witness sheet the witnesses signed by hand.</p>
          <p className="read-aloud-hex">{v.signer.hexGroups}</p>
          <PgpWords words={v.signer.words} />
        </section>
      ) : null}
      {v.participants.length ? (
        <section className="panel" aria-labelledby="people-heading">
          <h2 id="people-heading">Participants ({v.participants.length})</h2>
          <ul className="people-list">
            {v.participants.map((p) => (
              <li key={p.id}>
                <strong>{p.name}</strong> — {roleTitle(p.role)}{p.title ? ` (${p.title})` : ""}, {p.organisation}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
