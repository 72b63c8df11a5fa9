import type { TokenSummary } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";

export type HsmMode = "rehearsal" | "hsm";

export interface HsmChoiceState {
  mode: HsmMode;
  modulePath: string;
  tokens: TokenSummary[] | null;
  /** "label\u0000serial" of the chosen token. */
  tokenKey: string | null;
}

export const tokenKeyOf = (t: Pick<TokenSummary, "label" | "serial">): string => `${t.label}\u0000${t.serial}`;

/** Rehearsal on a throwaway SoftHSM2 token, or a real HSM chosen by token label and serial. */
export function HsmChoice({ state, rehearsalOnly, onChange }: { state: HsmChoiceState; rehearsalOnly: boolean; onChange(next: HsmChoiceState): void }) {
  const listing = useApiCall();
  const listTokens = () =>
    listing.run(async () => {
      const tokens = await call("hsm:tokens", { modulePath: state.modulePath });
      onChange({ ...state, tokens, tokenKey: null });
    });
  return (
    <fieldset className="hsm-choice">
      <legend>3. HSM</legend>
      <div className="option-list option-list-row">
        <div className={`option-card${state.mode === "rehearsal" ? " option-card-selected" : ""}`}>
          <input type="radio" name="hsm-mode" id="hsm-mode-rehearsal" checked={state.mode === "rehearsal"} onChange={() => onChange({ ...state, mode: "rehearsal" })} />
          <label htmlFor="hsm-mode-rehearsal">
            <span className="option-title">Rehearsal</span>
            <span className="option-meta">A throwaway SoftHSM2 token, made now and deleted afterwards. Cards are printed to files marked REHEARSAL.</span>
          </label>
        </div>
        <div className={`option-card${state.mode === "hsm" ? " option-card-selected" : ""}`}>
          <input
            type="radio"
            name="hsm-mode"
            id="hsm-mode-real"
            checked={state.mode === "hsm"}
            disabled={rehearsalOnly}
            onChange={() => onChange({ ...state, mode: "hsm" })}
            aria-describedby={rehearsalOnly ? "hsm-mode-real-note" : undefined}
          />
          <label htmlFor="hsm-mode-real">
            <span className="option-title">Real HSM</span>
            <span className="option-meta">The ceremony's HSM over PKCS#11, chosen by token label and serial.</span>
          </label>
          {rehearsalOnly ? (
            <p className="hint" id="hsm-mode-real-note">
              This workstation is set up for rehearsals only.
            </p>
          ) : null}
        </div>
      </div>
      {state.mode === "hsm" ? (
        <div className="hsm-real">
          <Field id="module-path" label="PKCS#11 module" hint="The vendor's module file (.so). The default is this workstation's configured module.">
            {(props) => <input {...props} type="text" value={state.modulePath} onChange={(e) => onChange({ ...state, modulePath: e.target.value, tokens: null, tokenKey: null })} spellCheck={false} />}
          </Field>
          <button type="button" className="button-secondary" onClick={() => void listTokens()} disabled={listing.pending || state.modulePath.trim() === ""}>
            {listing.pending ? "Listing tokens…" : "List tokens"}
          </button>
          {listing.error ? <ErrorNotice error={listing.error} title="The tokens could not be listed" /> : null}
          {state.tokens ? <TokenTable tokens={state.tokens} chosen={state.tokenKey} onChoose={(key) => onChange({ ...state, tokenKey: key })} /> : null}
        </div>
      ) : null}
    </fieldset>
  );
}

function TokenTable({ tokens, chosen, onChoose }: { tokens: TokenSummary[]; chosen: string | null; onChoose(key: string): void }) {
  if (tokens.length === 0) return <p>No token was found in this module. Check the HSM is connected, then list again.</p>;
  return (
    <table className="data-table token-table">
      <caption>Tokens in this module — compare label and serial with the inventory sheet</caption>
      <thead>
        <tr>
          <th scope="col">Choose</th>
          <th scope="col">Label</th>
          <th scope="col">Serial</th>
          <th scope="col">Model</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => {
          const key = tokenKeyOf(t);
          const id = `token-${t.slotId}`;
          const unusable = !t.flags.initialized || t.flags.userPinLocked;
          const shown = t.label || "(not initialised)";
          return (
            <tr key={t.slotId}>
              <td>
                <input type="radio" name="token" id={id} checked={chosen === key} disabled={unusable} onChange={() => onChoose(key)} aria-label={`${shown}, serial ${t.serial || "none"}`} />
              </td>
              <td>
                <label htmlFor={id}>{shown}</label>
              </td>
              <td className="mono">{t.serial || "—"}</td>
              <td>
                {t.manufacturer} {t.model} (firmware {t.firmware})
              </td>
              <td>
                <TokenFlags flags={t.flags} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function TokenFlags({ flags }: { flags: TokenSummary["flags"] }) {
  const notes: Array<{ text: string; tone: "ok" | "warn" | "bad" }> = [];
  notes.push(flags.initialized ? { text: "initialised", tone: "ok" } : { text: "not initialised", tone: "bad" });
  if (flags.loginRequired) notes.push({ text: "PIN required", tone: "ok" });
  if (flags.userPinLocked) notes.push({ text: "user PIN LOCKED", tone: "bad" });
  else if (flags.userPinFinalTry) notes.push({ text: "FINAL PIN TRY", tone: "bad" });
  else if (flags.userPinCountLow) notes.push({ text: "a wrong PIN was typed before", tone: "warn" });
  return (
    <ul className="flag-list">
      {notes.map((n) => (
        <li key={n.text} className={`flag flag-${n.tone}`}>
          {n.text}
        </li>
      ))}
    </ul>
  );
}
