import { useState } from "react";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { roleTitle } from "../../../../src/common/roles.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { AbortCeremony } from "../officer/abort-dialog.tsx";
import { NamedWitnesses } from "../../components/named-witnesses.tsx";
import { titleList } from "../../../../src/common/named-witnesses.ts";
import { ParticipantForm } from "./participant-form.tsx";
import { ParticipantTable } from "./participant-table.tsx";
import { RoleMinimums, roleCounts } from "./role-minimums.tsx";

export function SignInScreen() {
  const { view, accept } = useOpenCeremony();
  const [announcement, setAnnouncement] = useState("");
  const confirming = useApiCall();
  const counts = roleCounts(view);
  const missing = counts.filter((c) => c.have < c.needed);
  const namedMissing = view.namedWitnesses.filter((n) => n.filledBy.length < n.count);
  const splitsKey = view.steps.some((s) => s.action === "escrow.split");

  const confirm = () =>
    confirming.run(async () => {
      accept(await call("ceremony:confirm-participants", {}));
    });

  return (
    <div className="screen sign-in-screen">
      <ScreenHeading eyebrow={`${view.title} · step 0 of ${view.steps.length}`}>Sign in everyone in the room</ScreenHeading>
      <p className="lead">Each person signs in with their own attestation PIN. When the script's minimums are met, close the sign-in; nobody can join later.</p>
      {splitsKey ? (
        <Notice tone="info" title="This ceremony prints share cards.">
          <p>Sign in exactly as many share holders as the script prints cards (its card count parameter): each card goes to one holder.</p>
        </Notice>
      ) : null}
      <div className="two-columns">
        <ParticipantForm roles={Object.keys(view.roleMinimums)} titles={view.namedWitnesses.map((n) => `${n.title} (${titleList(n.anyOf)})`)} onAdded={setAnnouncement} />
        <section className="panel" aria-labelledby="who-heading">
          <h2 id="who-heading">Who is here</h2>
          <p className="visually-hidden" role="status">
            {announcement}
          </p>
          <ParticipantTable participants={view.participants} showTitle={view.namedWitnesses.length > 0} />
          <RoleMinimums counts={counts} />
          <NamedWitnesses view={view} headingLevel={3} />
          <div className="confirm-sign-in">
            {missing.length || namedMissing.length ? (
              <p className="text-danger" id="sign-in-missing">
                <span aria-hidden="true">✖ </span>
                Still missing: {[...missing.map((m) => `${m.needed - m.have} × ${roleTitle(m.role)}`), ...namedMissing.map((n) => `${n.count - n.filledBy.length} × ${n.title}`)].join(", ")}.
              </p>
            ) : (
              <p className="text-success" id="sign-in-missing">
                <span aria-hidden="true">✔ </span>
                Every role has its minimum. Close the sign-in when everyone is here.
              </p>
            )}
            {confirming.error ? <ErrorNotice error={confirming.error} title="The sign-in was not closed" /> : null}
            <button type="button" className="button-primary button-large" onClick={() => void confirm()} disabled={missing.length > 0 || namedMissing.length > 0 || confirming.pending} aria-describedby="sign-in-missing">
              {confirming.pending ? "Closing the sign-in…" : "Close sign-in and check the air gap"}
            </button>
          </div>
        </section>
      </div>
      <AbortCeremony />
    </div>
  );
}
