import type { VerificationView } from "../../../../src/api/contract.ts";
import { formatUtc, formatUtcClock, roleTitle } from "../../../../src/common/index.ts";
import { groupEventsByStep } from "./event-groups.ts";

/** Every journal event, grouped by step, with who performed and who attested each step. */
export function EventTimeline({ verification }: { verification: VerificationView }) {
  const groups = groupEventsByStep(verification);
  return (
    <section className="event-timeline" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline ({verification.events.length} events)</h2>
      {groups.map((group, gi) => (
        <section key={gi} className="event-group panel" aria-labelledby={`event-group-${gi}`}>
          <h3 id={`event-group-${gi}`}>{group.title}</h3>
          {group.step ? (
            <dl className="step-facts">
              <div>
                <dt>Performed by</dt>
                <dd>{group.step.performer ?? "—"}</dd>
              </div>
              <div>
                <dt>Attested by</dt>
                <dd>{group.step.attesters.length ? group.step.attesters.map((a) => `${a.name} (${roleTitle(a.role)}, ${formatUtcClock(a.time)})`).join("; ") : "nobody"}</dd>
              </div>
              <div>
                <dt>Completed</dt>
                <dd>{group.step.completedAt ? formatUtc(group.step.completedAt) : "not completed"}</dd>
              </div>
            </dl>
          ) : null}
          <table className="data-table event-table">
            <caption className="visually-hidden">Events of {group.title}</caption>
            <thead>
              <tr>
                <th scope="col">Seq</th>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Actor</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {group.events.map((e) => (
                <tr key={e.seq} className={e.type.includes("failed") || e.type.includes("aborted") || e.type.includes("refused") ? "row-problem" : undefined}>
                  <td className="num">{e.seq}</td>
                  <td className="mono">{formatUtcClock(e.time)}</td>
                  <td>{e.actor}</td>
                  <td>
                    {e.summary || e.type} <span className="event-type">{e.type}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
