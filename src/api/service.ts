/**
 * The core behind the contract (src/api/contract.ts): one method per channel. Electron's main
 * process registers it over IPC; test/harness serves it over loopback JSON-RPC. It holds at most
 * one ceremony at a time; everything durable is in the journal.
 */
import { lastEventOfType } from "../events/index.ts";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { z } from "zod";
import { formatSetId } from "../common/index.ts";
import { recordedSplit } from "../ceremony/actions/escrow-common.ts";
import { checkAirGap } from "../airgap/check.ts";
import { RehearsalCardSink, PrinterCardSink } from "../ceremony/card-sinks.ts";
import { finishCeremony } from "../ceremony/finish.ts";
import { loadScript, parseYamlStrict } from "../ceremony/load-script.ts";
import { CeremonyRunner } from "../ceremony/runner.ts";
import { checkCardForHolder, recoveryBundleOf, splitFromBundle, withRecoveryHeadCount, type KnownSplit } from "../ceremony/escrow-holders.ts";
import { paperScriptInput } from "../ceremony/paper-script.ts";
import { renderCeremonyScript } from "../print/index.ts";
import { DEFAULT_ROLE_MINIMUMS, type Role } from "../ceremony/roles.ts";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { ScriptDefinition } from "../ceremony/script-schema.ts";
import { ScriptValidationError } from "../ceremony/validation-error.ts";
import { CeremonyError, wipe } from "../errors.ts";
import { decodeShare, SHARE_WORD_COUNT } from "../escrow/index.ts";
import { lookupWord, suggestWords, WORDS } from "../escrow/wordlist.ts";
import { createRehearsalEnvironment, HsmClient, SOFTHSM2_MODULE, type RehearsalEnvironment } from "../hsm/index.ts";
import { Journal } from "../journal/index.ts";
import { verifyBundle } from "../transcript/index.ts";
import { APP_VERSION } from "../version.ts";
import type { Channel, Contract, PreflightView, ProgressEvent, ScriptSummary, ShareCheck } from "./contract.ts";
import { ceremonyView, verificationView } from "./views.ts";
import { preflightOnModule } from "../ceremony/preflight-session.ts";
import type { PreflightReport } from "../ceremony/preflight.ts";
import type { TokenSelector } from "../hsm/types.ts";

const run = promisify(execFile);

export interface ServiceOptions {
  onProgress(event: ProgressEvent): void;
  /** A folder only this user can write: the journal and bundles live here. */
  dataDir: string;
  /** The shipped ceremony-scripts/ folder. */
  ceremonyScriptsDir: string;
  /** Only rehearsals on throwaway tokens (the browser harness; a demo laptop). */
  rehearsalOnly?: boolean;
  /** Printer for real share cards (CUPS name); the default printer otherwise. */
  printer?: string;
}

export type ServiceImpl = { [C in Channel]: (request: z.output<Contract[C]["request"]>) => Promise<z.output<Contract[C]["response"]>> };

/** The service and, outside the contract, how its owner shuts it down. */
export type Service = ServiceImpl & {
  /** Closes the HSM session, removes a rehearsal's throwaway token and closes the journal. */
  close(): Promise<void>;
};

class ServiceError extends CeremonyError {}

interface Active {
  runner: CeremonyRunner;
  env: RehearsalEnvironment | null;
  sink: RehearsalCardSink | PrinterCardSink;
  previews: Set<string>;
  running: boolean;
  bundleDir: string | null;
}

export async function createService(options: ServiceOptions): Promise<Service> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const bundlesDir = join(options.dataDir, "bundles");
  await mkdir(bundlesDir, { recursive: true });
  const journal = Journal.open(join(options.dataDir, "journal.db"));
  const credentials = journal.credentials;
  let active: Active | null = null;

  const scriptPath = (file: string): string => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/.test(file)) throw new ServiceError("SCRIPT_NAME", `"${file}" is not a ceremony script name.`);
    return join(options.ceremonyScriptsDir, file);
  };

  const summarize = async (file: string, parameters?: Record<string, unknown>): Promise<ScriptSummary> => {
    const text = await readFile(scriptPath(file), "utf8");
    const base: ScriptSummary = { file, parameters: [], roles: {}, steps: [], issues: [] };
    let definition;
    try {
      const raw = parseYamlStrict(text, file);
      const parsed = ScriptDefinition.safeParse(raw);
      if (parsed.success) definition = parsed.data;
    } catch (e) {
      if (e instanceof ScriptValidationError) return { ...base, issues: e.issues };
      throw e;
    }
    let roles: Record<string, number> | undefined;
    try {
      const loaded = await withRecoveryHeadCount(loadScript(text, file, { parameters: parameters ?? {} }), options.ceremonyScriptsDir);
      definition = loaded.definition;
      base.sha256 = loaded.sha256;
      base.parametersSha256 = loaded.parametersSha256;
      roles = loaded.roleMinimums;
    } catch (e) {
      if (!(e instanceof ScriptValidationError)) throw e;
      base.issues = e.issues;
    }
    if (!definition) return base;
    return {
      ...base,
      id: definition.id,
      title: definition.title,
      version: definition.version,
      ...(definition.description ? { description: definition.description } : {}),
      parameters: Object.entries(definition.parameters).map(([name, d]) => ({
        name,
        type: d.type,
        description: d.description,
        required: d.required !== false && d.default === undefined,
        ...(d.default !== undefined ? { default: d.default } : {}),
        ...(d.type === "enum" ? { values: d.values } : {}),
        ...(d.type === "integer" && d.min !== undefined ? { min: d.min } : {}),
        ...(d.type === "integer" && d.max !== undefined ? { max: d.max } : {}),
      })),
      // Head-counts that depend on a parameter are known once the parameters validate.
      roles: roles ?? { ...DEFAULT_ROLE_MINIMUMS, ...Object.fromEntries(Object.entries(definition.roles).filter(([, v]) => typeof v === "number")) },
      steps: definition.steps.map((s) => ({ id: s.id, title: s.title, action: s.action.type })),
    };
  };

  const requireActive = (): Active => {
    if (!active) throw new ServiceError("NO_CEREMONY", "No ceremony is open. Start one from the start screen.");
    return active;
  };
  const view = (a: Active) => ceremonyView(a.runner, a);

  const closeActive = async (): Promise<void> => {
    if (!active) return;
    const a = active;
    active = null;
    await a.runner.close();
    await a.env?.cleanup();
  };

  const pin = (text: string): Buffer => Buffer.from(text, "utf8");

  const service: ServiceImpl = {
    async "app:info"() {
      return { version: APP_VERSION, rehearsalOnly: options.rehearsalOnly === true, defaultModule: SOFTHSM2_MODULE, scriptsDir: options.ceremonyScriptsDir };
    },

    async "scripts:list"() {
      const files = (await readdir(options.ceremonyScriptsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
      return Promise.all(files.map((f) => summarize(f)));
    },

    async "scripts:load"(req) {
      return summarize(req.file, req.parameters);
    },

    async "scripts:print"(req) {
      const text = await readFile(scriptPath(req.file), "utf8");
      const script = loadScript(text, req.file, { parameters: req.parameters ?? {} });
      const now = new Date();
      const pdf = await renderCeremonyScript(paperScriptInput(script, { rehearsal: req.rehearsal, printedAt: now }));
      const dir = join(options.dataDir, "printed-scripts");
      await mkdir(dir, { recursive: true });
      const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15);
      const path = join(dir, `${script.definition.id}-${stamp}-${script.parametersSha256.slice(0, 8)}.pdf`);
      await writeFile(path, pdf, { flag: "wx" });
      return { path, scriptSha256: script.sha256, parametersSha256: script.parametersSha256 };
    },

    async "hsm:tokens"(req) {
      const client = await HsmClient.open({ modulePath: req.modulePath ?? SOFTHSM2_MODULE, ...(req.moduleArgs !== undefined ? { moduleArgs: req.moduleArgs } : {}) });
      try {
        return await client.call("listTokens");
      } finally {
        await client.close();
      }
    },

    async "hsm:preflight"(req) {
      // A PKCS#11 module is initialised once per process: the previous ceremony's session must be
      // closed before the preflight loads a module, as ceremony:start would close it anyway.
      if (active && !["completed", "aborted"].includes(active.runner.state().phase)) {
        throw new ServiceError("CEREMONY_OPEN", `Ceremony ${active.runner.ceremonyId} is still open. Finish or abort it first.`);
      }
      await closeActive();
      const script = loadScript(await readFile(scriptPath(req.file), "utf8"), req.file, { parameters: req.parameters });
      const target = await preflightTarget(req.rehearsal || options.rehearsalOnly === true, req, script.definition.id);
      try {
        return preflightView(await preflightOnModule(target.module, target.token, script));
      } finally {
        await target.env?.cleanup();
      }
    },

    async "airgap:check"() {
      const r = checkAirGap();
      return { interfacesUp: r.interfacesUp, clear: r.clear };
    },

    async "ceremony:start"(req) {
      if (active && !["completed", "aborted"].includes(active.runner.state().phase)) {
        throw new ServiceError("CEREMONY_OPEN", `Ceremony ${active.runner.ceremonyId} is still open. Finish or abort it first.`);
      }
      await closeActive();
      const rehearsal = req.rehearsal || options.rehearsalOnly === true;
      const text = await readFile(scriptPath(req.file), "utf8");
      const script = await withRecoveryHeadCount(loadScript(text, req.file, { parameters: req.parameters }), options.ceremonyScriptsDir);
      const target = await preflightTarget(rehearsal, req, script.definition.id);
      const { env, token } = target;
      const { modulePath, moduleArgs } = target.module;
      // Before anybody signs in: a token that cannot do what the script needs does not start it.
      let report;
      try {
        report = await preflightOnModule(target.module, token, script);
      } catch (e) {
        await env?.cleanup();
        throw e;
      }
      if (!report.ok) {
        await env?.cleanup();
        const refused = report.rows.filter((r) => r.verdict === "refused").map((r) => r.need);
        throw new ServiceError("PREFLIGHT_REFUSED", `The token cannot do what this ceremony needs (${refused.join("; ")}); it was not started. The HSM check on this screen says what to do.`);
      }
      const sink = rehearsal ? new RehearsalCardSink(await mkdtemp(join(env!.dir, "cards-"))) : new PrinterCardSink(options.printer);
      const runner = CeremonyRunner.start(script, {
        journal,
        credentials,
        openHsm: async () => {
          const client = await HsmClient.open({ modulePath, ...(moduleArgs !== undefined ? { moduleArgs } : {}), ...(env ? { env: env.env } : {}) });
          client.on("busy", (b) => options.onProgress({ kind: "hsm-busy", operation: b.operation, elapsedMs: b.elapsedMs }));
          client.on("idle", () => options.onProgress({ kind: "hsm-idle" }));
          return client;
        },
        token,
        cards: sink,
        rehearsal,
        scriptDir: options.ceremonyScriptsDir,
        preflight: report,
      });
      active = { runner, env, sink, previews: new Set(), running: false, bundleDir: null };
      return view(active);
    },

    async "ceremony:state"() {
      return active ? view(active) : null;
    },

    async "ceremony:add-participant"(req) {
      const a = requireActive();
      a.runner.addParticipant({ name: req.name, role: req.role as Role, organisation: req.organisation }, pin(req.attestationPin));
      return view(a);
    },

    async "ceremony:confirm-participants"() {
      const a = requireActive();
      a.runner.confirmParticipants();
      return view(a);
    },

    async "ceremony:airgap-override"(req) {
      const a = requireActive();
      a.runner.attestAirGapOverride(req.participantId, pin(req.pin));
      return view(a);
    },

    async "ceremony:run-action"(req) {
      const a = requireActive();
      if (a.running) throw new ServiceError("ACTION_RUNNING", "The step's action is already running; wait for it to finish.");
      a.running = true;
      options.onProgress({ kind: "step-changed", detail: "running" });
      const hsmPin = req.hsmPin !== undefined ? pin(req.hsmPin) : undefined;
      try {
        await a.runner.runAction(req.performerId, {
          ...(hsmPin ? { hsmPin } : {}),
          ...(req.shares ? { shares: req.shares } : {}),
          ...(req.file ? { file: { name: req.file.name, bytes: Buffer.from(req.file.base64, "base64") } } : {}),
        });
      } finally {
        wipe(hsmPin);
        a.running = false;
        options.onProgress({ kind: "step-changed", detail: "done" });
      }
      return view(a);
    },

    async "ceremony:preview"() {
      const a = requireActive();
      await a.runner.previewAction();
      return view(a);
    },

    async "ceremony:attest-preview"(req) {
      const a = requireActive();
      a.runner.attestPreview(req.participantId, pin(req.pin));
      return view(a);
    },

    async "ceremony:attest"(req) {
      const a = requireActive();
      const r = a.runner.attest(req.participantId, pin(req.pin), req.confirmed);
      if (r.milestone) options.onProgress({ kind: "journal-head", detail: r.milestone });
      return view(a);
    },

    async "ceremony:abort"(req) {
      const a = requireActive();
      const witness = req.witnessId !== undefined && req.witnessPin !== undefined ? { participantId: req.witnessId, pin: pin(req.witnessPin) } : undefined;
      a.runner.abort(req.actorId, req.reason, witness);
      return view(a);
    },

    async "ceremony:finish"(req) {
      const a = requireActive();
      const outDir = join(bundlesDir, a.runner.ceremonyId);
      const hsmPin = req.hsmPin !== undefined ? pin(req.hsmPin) : undefined;
      const result = await finishCeremony(a.runner, {
        outDir,
        ...(hsmPin ? { hsmPin } : {}),
        ...(a.sink instanceof RehearsalCardSink ? { printedCards: a.sink.delivered } : {}),
      });
      a.bundleDir = result.bundleDir;
      const v = result.verification;
      return { view: view(a), verification: verificationView(outDir, v.ok, v.failures, v.transcript, result.signerSpkiSha256) };
    },

    async "cards:preview"(req) {
      const a = requireActive();
      const split = recordedSplit(a.runner, lastEventOfType(a.runner.events(), "escrow.split")?.body.keyLabel ?? "");
      const card = split.cards.find((c) => c.participantId === req.participantId);
      if (!card) throw new ServiceError("CARD_UNKNOWN", "That participant holds no card of this ceremony.");
      a.previews.add(req.participantId);
      if (!(a.sink instanceof RehearsalCardSink)) {
        return { card: card.card, holder: card.holder, pngDataUrl: null, destination: a.sink.description };
      }
      const printed = a.sink.delivered.find((d) => d.participantId === req.participantId);
      if (!printed) throw new ServiceError("CARD_UNKNOWN", "That card was not printed.");
      const dir = await mkdtemp(join(a.env!.dir, "preview-"));
      try {
        await run("pdftoppm", ["-r", "70", "-png", "-f", "1", "-l", "1", printed.path, join(dir, "p")]);
        const png = (await readdir(dir)).find((f) => f.endsWith(".png"))!;
        return { card: card.card, holder: card.holder, pngDataUrl: `data:image/png;base64,${(await readFile(join(dir, png))).toString("base64")}`, destination: a.sink.description };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async "shares:check"(req) {
      return checkShare(req.text, req.participantId, active, req.entered);
    },

    async "shares:wordlist"() {
      return [...WORDS];
    },

    async "bundle:verify"(req) {
      const dir = resolve(req.dir.startsWith("/") ? req.dir : join(bundlesDir, req.dir));
      const v = await verifyBundle(dir, { extraChecks: [scriptRecheck] });
      // The fingerprint of the signer.pub.pem bytes that were verified, never a second read.
      return verificationView(dir, v.ok, v.failures, v.transcript, v.signerSpkiSha256 ?? null);
    },

    async "bundle:list"() {
      const names = (await readdir(bundlesDir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.includes(".partial-"));
      return names.map((d) => ({ dir: join(bundlesDir, d.name), name: d.name })).reverse();
    },

    async "keys:list"() {
      return journal.listKeys().map((k) => ({
        label: k.label,
        ckaId: k.ckaId,
        tokenLabel: k.tokenLabel,
        tokenSerial: k.tokenSerial,
        algorithm: k.algorithm,
        purpose: k.purpose,
        status: k.status,
        spkiSha256: k.spkiSha256,
        kcvEcb0: k.kcvEcb0,
        kcvCmac: k.kcvCmac,
        createdAt: k.createdAt,
        rotationDueAt: k.rotationDueAt,
        destroyedAt: k.destroyedAt,
      }));
    },
  };
  return Object.assign(service, {
    async close() {
      await closeActive();
      journal.close();
    },
  });

  /** The split whose cards this step's holders enter: this ceremony's (trial recovery) or the original bundle's (recovery). */
  async function knownSplit(a: Active, action: string): Promise<KnownSplit | null> {
    if (action === "escrow.trial-recovery") {
      const e = a.runner.events().findLast((x) => x.type === "escrow.split");
      if (!e) return null;
      const split = e.body as unknown as { setId: string; k: number; n: number; cards: Array<{ card: number; holder: string; fingerprint: string }> };
      return { setId: split.setId, k: split.k, n: split.n, cards: split.cards.map((c) => ({ card: c.card, holder: c.holder, fingerprint: c.fingerprint })) };
    }
    const bundle = recoveryBundleOf(a.runner.script, options.ceremonyScriptsDir);
    return bundle ? splitFromBundle(bundle.dir, bundle.keyLabel) : null;
  }

  async function checkShare(
    text: string,
    participantId: string | undefined,
    a: Active | null,
    entered?: ReadonlyArray<{ participantId: string; fingerprint: string }>,
  ): Promise<z.output<typeof ShareCheck>> {
    const tokens = text
      .replace(/^cws\d+:/i, "")
      .split(/\s+/)
      .filter((t) => /[a-z]/i.test(t))
      .map((t) => t.replace(/^\d+[.):]?/, "").replace(/[.,;:]+$/, "").toLowerCase());
    const words = tokens.map((w, index) => {
      const known = lookupWord(w) !== undefined;
      return { index, word: w, known, suggestion: known ? null : (suggestWords(w)[0] ?? null) };
    });
    const base = { words, wordCount: tokens.length, expectedWords: SHARE_WORD_COUNT, setId: null, k: null, n: null, fingerprint: null, card: null };
    if (words.some((w) => !w.known)) {
      const bad = words.find((w) => !w.known)!;
      return { ...base, ok: false, message: `word ${bad.index + 1} "${bad.word}" is not in the word list${bad.suggestion ? `; did you mean "${bad.suggestion}"?` : ""}` };
    }
    if (tokens.length < SHARE_WORD_COUNT) return { ...base, ok: false, message: `${tokens.length} of ${SHARE_WORD_COUNT} words so far` };
    try {
      const d = decodeShare(text, { label: "this card" });
      wipe(d.payload);
      const result = { ...base, setId: d.setId, k: d.k, n: d.n, fingerprint: d.fingerprint };
      if (participantId && a) {
        const holder = a.runner.state().participants.find((p) => p.id === participantId);
        const state = a.runner.state();
        const step = state.currentStep === null ? undefined : a.runner.script.steps[state.currentStep];
        const keyLabel = lastEventOfType(a.runner.events(), "escrow.split")?.body.keyLabel ?? "";
        if (holder && keyLabel && step?.action.type === "escrow.read-back") {
          // The runner checks the card and journals the match (share.read-back), never the words.
          const r = a.runner.recordCardReadBack(participantId, text);
          return { ...result, ok: true, card: r.card, message: `card ${r.card} matches what was printed for ${holder.name}` };
        }
        if (holder && (step?.action.type === "escrow.trial-recovery" || step?.action.type === "escrow.recover")) {
          const split = await knownSplit(a, step.action.type);
          if (split) {
            const nameOf = (id: string): string => state.participants.find((p) => p.id === id)?.name ?? id;
            const others = (entered ?? []).filter((e) => e.participantId !== participantId).map((e) => ({ holder: nameOf(e.participantId), fingerprint: e.fingerprint }));
            const card = checkCardForHolder(split, holder.name, d, others);
            return { ...result, ok: true, card: card.card, message: `${holder.name}'s card checks: set ${formatSetId(d.setId)}, card ${card.card}, ${d.k} of ${d.n} needed` };
          }
        }
      }
      return { ...result, ok: true, message: `the words check: set ${formatSetId(d.setId)}, ${d.k} of ${d.n} needed` };
    } catch (e) {
      if (e instanceof CeremonyError) return { ...base, ok: false, message: e.message };
      throw e;
    }
  }
}

interface TokenRequest {
  modulePath?: string | undefined;
  moduleArgs?: string | undefined;
  token?: TokenSelector | undefined;
}

/** The module and token a ceremony (or its preflight) uses; a rehearsal gets a throwaway SoftHSM2 token. */
async function preflightTarget(
  rehearsal: boolean,
  req: TokenRequest,
  scriptId: string,
): Promise<{ env: RehearsalEnvironment | null; token: TokenSelector; module: { modulePath: string; moduleArgs?: string; env?: Record<string, string> } }> {
  if (rehearsal) {
    const env = await createRehearsalEnvironment([{ label: `rehearsal-${scriptId}`.slice(0, 32) }]);
    return { env, token: { label: env.tokens[0]!.label, serial: env.tokens[0]!.serial }, module: { modulePath: env.modulePath, env: env.env } };
  }
  if (!req.token) throw new ServiceError("TOKEN_REQUIRED", "Choose the HSM token (label and serial) for this ceremony.");
  return {
    env: null,
    token: req.token,
    module: { modulePath: req.modulePath ?? SOFTHSM2_MODULE, ...(req.moduleArgs !== undefined ? { moduleArgs: req.moduleArgs } : {}) },
  };
}

function preflightView(r: PreflightReport): PreflightView {
  const t = r.profile.token;
  return {
    ok: r.ok,
    elapsedMs: r.elapsedMs,
    token: { label: t.label, serial: t.serial, manufacturer: t.manufacturer, model: t.model },
    mechanismCount: r.profile.mechanisms.length,
    rfc5649Mechanism: r.profile.rfc5649Mechanism,
    rows: r.rows,
  };
}
