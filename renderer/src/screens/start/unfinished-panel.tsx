import type { ApiError, UnfinishedCeremony } from "../../../../src/api/contract.ts";
import { formatUtc } from "../../../../src/common/index.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";
import { AbandonRehearsal } from "./abandon-rehearsal.tsx";

/**
 * Above the script list: ceremonies the journal holds that never ended (the app stopped
 * mid-ceremony). A real one resumes at its first unfinished step on the token it ran on, chosen
 * under "3. HSM" as for a new ceremony; a rehearsal's throwaway token is gone, so it is abandoned.
 */
export function UnfinishedPanel({
  ceremonies,
  chosenToken,
  resuming,
  onResume,
  onOpened,
  onAbandoned,
}: {
  ceremonies: UnfinishedCeremony[];
  chosenToken: { label: string; serial: string } | null;
  /** The ceremony last asked to resume: whether that is under way, and why it failed. */
  resuming: { ceremonyId: string; pending: boolean; error: ApiError | null } | null;
  onResume(ceremonyId: string): void;
  /** A rehearsal was abandoned: its ABORTED transcript is to be signed. */
  onOpened(): void;
  /** A rehearsal was abandoned and nothing is left to sign: what the journal now records. */
  onAbandoned(note: string): void;
}) {
  if (ceremonies.length === 0) return null;
  return (
    <section className="panel unfinished-panel" aria-labelledby="unfinished-heading">
      <h2 id="unfinished-heading">{ceremonies.length === 1 ? "Unfinished ceremony" : `${ceremonies.length} unfinished ceremonies`}</h2>
      <p className="unfinished-lead">
        The application stopped while {ceremonies.length === 1 ? "this ceremony was" : "these ceremonies were"} open. The journal keeps every finished step and was verified when it was
        opened.
      </p>
      {ceremonies.map((u) => (
        <UnfinishedItem
          key={u.ceremonyId}
          u={u}
          chosenToken={chosenToken}
          resuming={resuming?.ceremonyId === u.ceremonyId && resuming.pending}
          error={resuming?.ceremonyId === u.ceremonyId ? resuming.error : null}
          onResume={onResume}
          onOpened={onOpened}
          onAbandoned={onAbandoned}
        />
      ))}
    </section>
  );
}

function UnfinishedItem({
  u,
  chosenToken,
  resuming,
  error,
  onResume,
  onOpened,
  onAbandoned,
}: {
  u: UnfinishedCeremony;
  chosenToken: { label: string; serial: string } | null;
  resuming: boolean;
  error: ApiError | null;
  onResume(ceremonyId: string): void;
  onOpened(): void;
  onAbandoned(note: string): void;
}) {
  const needed = u.token.serial !== null ? `${u.token.label}, serial ${u.token.serial}` : u.token.label;
  const headingId = `unfinished-${u.ceremonyId}`;
  return (
    <article className="unfinished-item" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {u.title}
        {u.rehearsal ? <span className="unfinished-rehearsal"> — REHEARSAL</span> : null}
      </h3>
      <dl className="unfinished-facts">
        <dt>Where it stopped</dt>
        <dd className="unfinished-where">{u.where}</dd>
        <dt>Started</dt>
        <dd>{formatUtc(u.startedAt)}</dd>
        <dt>Last recorded</dt>
        <dd>{formatUtc(u.lastEventAt)}</dd>
        <dt>{u.rehearsal ? "Throwaway token" : "Token"}</dt>
        <dd>{needed}</dd>
        <dt>Script</dt>
        <dd>{u.scriptFile}</dd>
        <dt>Ceremony</dt>
        <dd>
          <code>{u.ceremonyId}</code>
        </dd>
      </dl>
      {u.rehearsal ? (
        <>
          <Notice tone="warning" title="This rehearsal cannot be resumed">
            <p>
              It ran on a throwaway token, made for it and gone with the restart: its keys no longer exist. Abandon it (an abort with a reason, under dual control), then start the rehearsal
              again.
            </p>
          </Notice>
          <AbandonRehearsal u={u} onOpened={onOpened} onAbandoned={onAbandoned} />
        </>
      ) : (
        <div className="unfinished-actions">
          <p className="hint" id={`${headingId}-token`}>
            {chosenToken
              ? `Resumes on the token chosen under 3. HSM: ${chosenToken.label}, serial ${chosenToken.serial}. It must be ${needed}. The HSM PIN is asked again at the step that needs the HSM.`
              : `To resume, connect its token and choose it under 3. HSM below (Real HSM, then List tokens): ${needed}.`}{" "}
            The bundle goes to the folder typed under 4. Bundle folder, or else to a new folder in this workstation's bundles folder.
          </p>
          <button type="button" className="button-primary button-large" disabled={!chosenToken || resuming} onClick={() => onResume(u.ceremonyId)} aria-describedby={`${headingId}-token`}>
            {resuming ? "Resuming…" : `Resume ${u.rehearsal ? "the rehearsal" : "the ceremony"}`}
          </button>
          {error ? <ErrorNotice error={error} title="The ceremony was not resumed" /> : null}
        </div>
      )}
    </article>
  );
}
