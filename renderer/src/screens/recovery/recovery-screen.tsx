import { useEffect, useRef, useState } from "react";
import type { ShareCheck, StepView } from "../../../../src/api/contract.ts";
import { formatSetId } from "../../../../src/common/index.ts";
import { Field } from "../../components/field.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { HsmProgress } from "../officer/hsm-progress.tsx";
import { defaultPerformer, PerformerSelect } from "../officer/performer-select.tsx";
import { StepFailureNotice, useStepFailure } from "../officer/step-failure.tsx";
import { useRunAction } from "../officer/use-run-action.ts";
import { ShareWordsEntry } from "../shares/share-words-entry.tsx";

interface Entry {
  key: number;
  participantId: string;
  text: string;
  check: ShareCheck | null;
}

/**
 * Recovery (trial or real): k holders each choose their name and enter their card; each card's
 * checksum is checked as they type. How many are needed is on every card, so the screen learns
 * k from the first card that checks.
 */
export function RecoveryScreen({ step }: { step: StepView }) {
  const { view } = useOpenCeremony();
  const holders = view.participants.filter((p) => p.role === "share-holder");
  const [entries, setEntries] = useState<Entry[]>([{ key: 0, participantId: "", text: "", check: null }]);
  const [performer, setPerformer] = useState(() => defaultPerformer(step.performerRole, view.participants));
  const [hsmPin, setHsmPin] = useState("");
  const action = useRunAction();
  const pinInput = useRef<HTMLInputElement>(null);
  const recoverButton = useRef<HTMLButtonElement>(null);
  const needsPin = step.needs.includes("hsm-pin");
  // A recovery's card set, from its bundle (one a re-escrow revoked never gets here: the start refuses it).
  const source = step.action === "escrow.recover" ? view.recoverySource : null;
  const k = source?.k ?? entries.find((e) => e.check?.ok && e.check.k !== null)?.check?.k ?? null;
  const good = entries.filter((e) => e.participantId && e.check?.ok);
  const distinct = new Set(good.map((e) => e.participantId)).size === good.length;
  const ready = k !== null && good.length >= k && distinct && !!performer && (!needsPin || hsmPin !== "");
  const shown = action.pending ? null : (action.error ?? (step.status === "failed" ? step.lastError : null));
  // Different cards: every entry is emptied (the words were never kept) and the first holder starts again.
  const failure = useStepFailure(shown, step.needs, needsPin ? pinInput : recoverButton, () =>
    setEntries((list) => [{ key: Math.max(...list.map((e) => e.key)) + 1, participantId: "", text: "", check: null }]),
  );

  const update = (key: number, change: Partial<Entry>) => setEntries((list) => list.map((e) => (e.key === key ? { ...e, ...change } : e)));
  const add = () => setEntries((list) => [...list, { key: Math.max(...list.map((e) => e.key)) + 1, participantId: "", text: "", check: null }]);
  // Once k is known, show at least k entries.
  useEffect(() => {
    if (k === null) return;
    setEntries((list) => {
      const more = Array.from({ length: Math.max(0, k - list.length) }, (_, j) => ({ key: Math.max(...list.map((e) => e.key)) + 1 + j, participantId: "", text: "", check: null }));
      return more.length ? [...list, ...more] : list;
    });
  }, [k]);

  return (
    <form
      className="recovery"
      aria-labelledby="recovery-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready || !failure.mayRun) return;
        const pin = hsmPin;
        setHsmPin("");
        failure.attempted();
        void action.runAction({ performerId: performer, shares: good.map((g) => ({ participantId: g.participantId, text: g.text })), ...(needsPin ? { hsmPin: pin } : {}) });
      }}
    >
      <h2 id="recovery-heading">Holders enter their cards</h2>
      {source ? (
        <p className="lead">
          Cards of set <strong>{formatSetId(source.setId)}</strong> of {source.keyLabel}: {source.k} of its {source.n} cards are needed; {good.length} entered and checked. Each holder
          checks the set printed on their card, then enters it in private, one at a time. (From the bundle {source.bundleDir}.)
        </p>
      ) : (
        <p className="lead">
          {k === null ? "Each card says how many cards the recovery needs; the first card entered tells the screen." : `${k} cards are needed; ${good.length} entered and checked.`} One holder
          at a time, in private.
        </p>
      )}
      {entries.map((entry, i) => {
        const taken = new Set(entries.filter((e) => e.key !== entry.key).map((e) => e.participantId));
        const holder = holders.find((h) => h.id === entry.participantId);
        // A checked card leaves the screen before the next holder steps up: only its summary stays.
        const accepted = holder !== undefined && entry.check?.ok === true;
        return (
          <section key={entry.key} className={`recovery-entry panel${accepted ? " recovery-entry-done" : ""}`} aria-labelledby={`recovery-entry-${entry.key}`}>
            <h3 id={`recovery-entry-${entry.key}`}>Holder {i + 1}</h3>
            {accepted ? (
              <>
                <p className="card-accepted">
                  <span aria-hidden="true">✔ </span>
                  {holder.name}’s card checks: set {formatSetId(entry.check?.setId ?? "")}
                  {entry.check?.card ? `, card ${entry.check.card}` : ""}, {entry.check?.k} of {entry.check?.n} needed. The words are hidden.
                </p>
                <button type="button" className="button-secondary button-small" onClick={() => update(entry.key, { text: "", check: null })}>
                  Enter {holder.name}’s card again
                </button>
              </>
            ) : (
              <>
                <Field id={`recovery-holder-${entry.key}`} label="Holder’s name">
                  {(props) => (
                    // After "Enter different cards" the first holder's name is the next thing to give.
                    <select {...props} autoFocus={failure.reopened && i === 0} value={entry.participantId} onChange={(e) => update(entry.key, { participantId: e.target.value })}>
                      <option value="">Choose your name…</option>
                      {holders
                        .filter((h) => !taken.has(h.id))
                        .map((h) => (
                          <option key={h.id} value={h.id}>
                            {h.name} — {h.organisation}
                          </option>
                        ))}
                    </select>
                  )}
                </Field>
                <ShareWordsEntry
                  idPrefix={`recovery-${entry.key}`}
                  {...(entry.participantId ? { participantId: entry.participantId } : {})}
                  entered={entries
                    .filter((e) => e.key !== entry.key && e.participantId && e.check?.ok && e.check.fingerprint)
                    .map((e) => ({ participantId: e.participantId, fingerprint: e.check!.fingerprint! }))}
                  onResult={(text, check) => update(entry.key, { text, check })}
                />
              </>
            )}
          </section>
        );
      })}
      <div className="button-row">
        <button type="button" className="button-secondary" onClick={add} disabled={entries.length >= holders.length}>
          Add another holder
        </button>
      </div>
      <div className="panel">
        <PerformerSelect id="recovery-performer" role={step.performerRole} people={view.participants} value={performer} onChange={setPerformer} />
        {needsPin ? (
          <Field id="recovery-hsm-pin" label="HSM user PIN" hint="The HSM session was closed; the crypto officer types the PIN.">
            {(props) => <input {...props} ref={pinInput} type="password" value={hsmPin} onChange={(e) => setHsmPin(e.target.value)} autoComplete="off" maxLength={128} />}
          </Field>
        ) : null}
        {action.pending && action.startedAt !== null ? <HsmProgress startedAt={action.startedAt} /> : null}
        <StepFailureNotice failure={failure} title="The recovery failed" reopenLabel="Enter different cards" />
        {failure.mayRun ? (
          <button ref={recoverButton} type="submit" className="button-primary button-large" disabled={!ready || action.pending}>
            {action.pending ? "Recovering…" : failure.offer === "retry" ? "Retry the recovery" : good.length === 0 ? "Recover the key" : `Recover with these ${good.length} cards`}
          </button>
        ) : null}
        {!distinct ? <p className="text-danger">Each card needs its own holder.</p> : null}
      </div>
    </form>
  );
}
