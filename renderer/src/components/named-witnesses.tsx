import type { CeremonyView } from "../../../src/api/contract.ts";
import { roleTitlePlural } from "../../../src/common/roles.ts";
import { titleList } from "../../../src/common/named-witnesses.ts";

/**
 * The witnesses the script's policy names by job title (e.g. "one being the CISO or Director of
 * Cybersecurity") and who fills each. Shown at sign-in, on the officer console and on the
 * witness view, so everyone in the room sees that the rule holds, and by whom.
 */
export function NamedWitnesses({ view, headingLevel = 2, compact = false }: { view: CeremonyView; headingLevel?: 2 | 3; compact?: boolean }) {
  if (view.namedWitnesses.length === 0) return null;
  if (compact) {
    return (
      <p className="named-witnesses-line">
        Named by policy:{" "}
        {view.namedWitnesses.map((n) => `${n.title} — ${n.filledBy.map((p) => `${p.name} (${p.title})`).join(", ") || "nobody"}`).join("; ")}
      </p>
    );
  }
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="named-witnesses panel" aria-labelledby="named-witnesses-heading">
      <Heading id="named-witnesses-heading">Witnesses named by policy</Heading>
      <ul>
        {view.namedWitnesses.map((n) => {
          const missing = n.count - n.filledBy.length;
          const among = n.roles.map((r) => roleTitlePlural(r, 2).toLowerCase()).join(" or ");
          return (
            <li key={n.title} className={missing > 0 ? "text-danger" : "text-success"}>
              <span aria-hidden="true">{missing > 0 ? "✖ " : "✔ "}</span>
              <strong>{n.count > 1 ? `${n.count} × ` : ""}{n.title}</strong> among the {among}:{" "}
              {n.filledBy.length ? n.filledBy.map((p) => `${p.name} (${p.title})`).join(", ") : "nobody yet"}
              {missing > 0 && n.filledBy.length ? `; ${missing} more needed` : ""}
              {missing > 0 ? <span className="named-witness-hint"> — sign them in with the job title {titleList(n.anyOf)}.</span> : null}
              {n.policy ? <span className="muted named-witness-policy"> {n.policy}</span> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
