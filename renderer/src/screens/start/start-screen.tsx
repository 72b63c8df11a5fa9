import { useEffect, useRef, useState } from "react";
import type { ApiError, PreflightView, ResponseOf, ScriptSummary, UnfinishedCeremony } from "../../../../src/api/contract.ts";
import { call, toApiError } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Notice } from "../../components/notice.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { useCeremony } from "../../state/ceremony-context.tsx";
import { AirGapStatus } from "./airgap-status.tsx";
import { BundleFolder, type BundleFolderState } from "./bundle-folder.tsx";
import { HsmChoice, tokenKeyOf, type HsmChoiceState } from "./hsm-choice.tsx";
import { PaperScriptPanel } from "./paper-script-panel.tsx";
import { PreflightTable } from "./preflight-table.tsx";
import { RotationDue } from "./rotation-due.tsx";
import { ParameterForm } from "./parameter-form.tsx";
import { initialValues, typedValues, type RawValues } from "./parameter-values.ts";
import { ScriptPicker } from "./script-picker.tsx";
import { UnfinishedPanel } from "./unfinished-panel.tsx";

const REVALIDATE_MS = 250;

export function StartScreen({ onStarted }: { onStarted(): void }) {
  const { accept } = useCeremony();
  const [info, setInfo] = useState<ResponseOf<"app:info"> | null>(null);
  const [scripts, setScripts] = useState<ScriptSummary[] | null>(null);
  const [unfinished, setUnfinished] = useState<UnfinishedCeremony[]>([]);
  const [resumeTarget, setResumeTarget] = useState<string | null>(null);
  const [abandoned, setAbandoned] = useState<string | null>(null);
  const resuming = useApiCall();
  const [file, setFile] = useState<string | null>(null);
  const [summary, setSummary] = useState<ScriptSummary | null>(null);
  const [values, setValues] = useState<RawValues>({});
  const [checking, setChecking] = useState(false);
  const [hsm, setHsm] = useState<HsmChoiceState>({ mode: "rehearsal", modulePath: "", tokens: null, tokenKey: null });
  const loading = useApiCall();
  const starting = useApiCall();
  const [validationError, setValidationError] = useState<ApiError | null>(null);
  const [preflight, setPreflight] = useState<PreflightView | null>(null);
  const [folder, setFolder] = useState<BundleFolderState>({ dir: "", error: null, checked: null });
  const revalidateTimer = useRef<number | undefined>(undefined);
  // Only the newest check may change the screen; an older answer arriving late is dropped.
  const validationSeq = useRef(0);

  const { run: load } = loading;
  useEffect(() => {
    void load(async () => {
      const [appInfo, list, open] = await Promise.all([call("app:info", {}), call("scripts:list", {}), call("ceremony:unfinished", {})]);
      setInfo(appInfo);
      setScripts(list);
      setUnfinished(open);
      setHsm((h) => ({ ...h, modulePath: appInfo.defaultModule }));
    });
  }, [load]);

  /** `prefill`: values for the script's parameters of those names (the key a due rotation acts on). */
  const choose = (next: string, prefill: Record<string, string> = {}) => {
    const chosen = scripts?.find((s) => s.file === next) ?? null;
    setFile(next);
    setSummary(chosen);
    const parameters = chosen?.parameters ?? [];
    const initial = { ...initialValues(parameters), ...Object.fromEntries(Object.entries(prefill).filter(([name]) => parameters.some((p) => p.name === name))) };
    setValues(initial);
    revalidate(next, chosen, initial);
  };

  const revalidate = (scriptFile: string, base: ScriptSummary | null, raw: RawValues) => {
    window.clearTimeout(revalidateTimer.current);
    setChecking(true);
    const seq = ++validationSeq.current;
    revalidateTimer.current = window.setTimeout(() => {
      call("scripts:load", { file: scriptFile, parameters: typedValues(base?.parameters ?? [], raw) }).then(
        (checked) => {
          if (seq !== validationSeq.current) return;
          setSummary(checked);
          setValidationError(null);
          setChecking(false);
        },
        (e: unknown) => {
          if (seq !== validationSeq.current) return;
          setValidationError(toApiError(e));
          setChecking(false);
        },
      );
    }, REVALIDATE_MS);
  };

  const change = (name: string, value: string | boolean) => {
    const next = { ...values, [name]: value };
    setValues(next);
    if (file) revalidate(file, summary, next);
  };

  /** The core's verdict on the bundle folder; true when it can take the bundle (or none was typed). */
  const checkFolder = async (dir: string): Promise<boolean> => {
    if (dir.trim() === "") {
      setFolder({ dir, error: null, checked: null });
      return true;
    }
    try {
      const { dir: checked } = await call("output:check", { dir: dir.trim() });
      setFolder((f) => (f.dir === dir ? { dir, error: null, checked } : f));
      return true;
    } catch (e) {
      const error = toApiError(e).message;
      setFolder((f) => (f.dir === dir ? { dir, error, checked: null } : f));
      return false;
    }
  };

  const token = hsm.tokens?.find((t) => tokenKeyOf(t) === hsm.tokenKey) ?? null;
  const blockers: string[] = [];
  if (!summary) blockers.push("choose a ceremony script");
  else if (summary.issues.length) blockers.push("fix the script's problems listed above");
  if (hsm.mode === "hsm" && !token) blockers.push("choose the HSM token");
  if (folder.error) blockers.push("choose a new or empty bundle folder");
  const canStart = blockers.length === 0 && !checking;

  const start = () =>
    starting.run(async () => {
      if (!summary || !file) return;
      // The bundle folder first: nobody signs in to a ceremony whose bundle has nowhere to go.
      if (!(await checkFolder(folder.dir))) return;
      const outDir = folder.dir.trim();
      const request = {
        file,
        parameters: typedValues(summary.parameters, values),
        rehearsal: hsm.mode === "rehearsal",
        ...(hsm.mode === "hsm" && token ? { modulePath: hsm.modulePath, token: { label: token.label, serial: token.serial } } : {}),
      };
      // The HSM check comes before anybody signs in; a token that refuses a need stops here.
      setPreflight(null);
      const report = await call("hsm:preflight", request);
      setPreflight(report);
      if (!report.ok) return;
      const view = await call("ceremony:start", { ...request, ...(outDir ? { outDir } : {}) });
      accept(view);
      onStarted();
    });

  /** An unfinished ceremony, re-opened at its first unfinished step on the token chosen under 3. HSM. */
  const resume = (ceremonyId: string) => {
    setResumeTarget(ceremonyId);
    return resuming.run(async () => {
      if (!token) return;
      const outDir = folder.dir.trim();
      const view = await call("ceremony:resume", { ceremonyId, modulePath: hsm.modulePath, token: { label: token.label, serial: token.serial }, ...(outDir ? { outDir } : {}) });
      accept(view);
      onStarted();
    });
  };

  return (
    <div className="screen start-screen">
      <ScreenHeading eyebrow="New ceremony">Prepare the ceremony</ScreenHeading>
      <p className="lead">Choose the script, check its parameters, choose the HSM, and check the air gap. Then start and sign everyone in.</p>
      {loading.error ? <ErrorNotice error={loading.error} title="The ceremony scripts could not be read" /> : null}
      <UnfinishedPanel
        ceremonies={unfinished}
        chosenToken={hsm.mode === "hsm" && token ? { label: token.label, serial: token.serial } : null}
        resuming={resumeTarget ? { ceremonyId: resumeTarget, pending: resuming.pending, error: resuming.error } : null}
        onResume={(id) => void resume(id)}
        onOpened={onStarted}
        onAbandoned={(note) => {
          setAbandoned(note);
          void call("ceremony:unfinished", {}).then(setUnfinished, () => undefined);
        }}
      />
      {abandoned ? <Notice tone="success" title={abandoned} live /> : null}
      {scripts === null ? (
        <p className="loading">Reading the ceremony scripts…</p>
      ) : (
        <form
          className="start-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (canStart) void start();
          }}
        >
          <RotationDue scripts={scripts} onChoose={choose} />
          <ScriptPicker scripts={scripts} selected={file} onSelect={choose} />
          {summary ? <ParameterForm summary={summary} values={values} checking={checking} onChange={change} /> : null}
          {validationError ? <ErrorNotice error={validationError} title="The parameters could not be checked" /> : null}
          {summary ? <PaperScriptPanel summary={summary} parameters={typedValues(summary.parameters, values)} rehearsal={hsm.mode === "rehearsal"} checking={checking} /> : null}
          <HsmChoice
            state={hsm}
            rehearsalOnly={info?.rehearsalOnly ?? true}
            onChange={(h) => {
              setHsm(h);
              setPreflight(null);
            }}
          />
          <BundleFolder state={folder} onChange={(dir) => setFolder({ dir, error: null, checked: null })} onCheck={() => void checkFolder(folder.dir)} />
          <AirGapStatus />
          {preflight ? <PreflightTable report={preflight} /> : null}
          <div className="start-actions">
            {starting.error ? <ErrorNotice error={starting.error} title="The ceremony did not start" /> : null}
            <button type="submit" className="button-primary button-large" disabled={!canStart || starting.pending} aria-describedby="start-blockers">
              {starting.pending ? (preflight ? "Starting…" : "Checking the HSM…") : hsm.mode === "rehearsal" ? "Start the rehearsal" : "Start the ceremony"}
            </button>
            <p id="start-blockers" className="hint">
              {blockers.length ? `Before starting: ${blockers.join("; ")}.` : checking ? "Checking the parameters…" : "Ready to start. Next: everyone signs in."}
            </p>
          </div>
        </form>
      )}
    </div>
  );
}
