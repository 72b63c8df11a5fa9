/**
 * The core behind the contract (src/api/contract.ts): one method per channel. Electron's main
 * process registers it over IPC; test/harness serves it over loopback JSON-RPC. It holds at most
 * one ceremony at a time; everything durable is in the journal.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { z } from "zod";
import { checkAirGap } from "../airgap/check.ts";
import { RehearsalCardSink, PrinterCardSink } from "../ceremony/card-sinks.ts";
import { recoverySourceOf, refuseRevokedRecovery, withRecoveryHeadCount } from "../ceremony/escrow-holders.ts";
import { finishCeremony } from "../ceremony/finish.ts";
import { checkOutputDir } from "../ceremony/output-dir.ts";
import { loadScript } from "../ceremony/load-script.ts";
import { preflightOnModule } from "../ceremony/preflight-session.ts";
import type { Role } from "../ceremony/roles.ts";
import { abortedCeremonyIds, abortedMaker } from "../ceremony/aborted-ceremonies.ts";
import { CeremonyRunner } from "../ceremony/runner.ts";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { rotationScriptFor } from "../common/index.ts";
import { describeCopy, describeFate, isAccountedFor } from "../common/key-copies.ts";
import { CeremonyError, wipe } from "../errors.ts";
import { buildEvidenceReport } from "../evidence/index.ts";
import { WORDS } from "../escrow/wordlist.ts";
import { HsmClient, SOFTHSM2_MODULE, type RehearsalEnvironment } from "../hsm/index.ts";
import { lastEventOfType, type RecordedEvent } from "../events/index.ts";
import { TRANSCRIPT_SIGNER_LABEL } from "../ceremony/actions/transcript-signer.ts";
import { Journal } from "../journal/index.ts";
import { AnchorError, anchorFromText, verifyBundle } from "../transcript/index.ts";
import { renderEvidenceReport } from "../print/index.ts";
import { APP_VERSION } from "../version.ts";
import type { Channel, Contract, ProgressEvent } from "./contract.ts";
import type { ActiveCeremony } from "./service/active.ts";
import { cardPreview } from "./service/card-preview.ts";
import { preflightTarget, preflightView } from "./service/preflight-target.ts";
import { ScriptCatalogue } from "./service/scripts.ts";
import { ServiceError } from "./service/service-error.ts";
import { checkShare } from "./service/share-check.ts";
import { refuseResumeToken, requireUnfinished, unfinishedCeremonies } from "./service/unfinished.ts";
import { ceremonyView, verificationView } from "./views.ts";

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

export async function createService(options: ServiceOptions): Promise<Service> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const bundlesDir = join(options.dataDir, "bundles");
  await mkdir(bundlesDir, { recursive: true });
  const journal = Journal.open(join(options.dataDir, "journal.db"));
  const credentials = journal.credentials;
  let active: ActiveCeremony | null = null;
  const scripts = new ScriptCatalogue(options.ceremonyScriptsDir, options.dataDir, (setId) => journal.escrowSet(setId));

  const requireActive = (): ActiveCeremony => {
    if (!active) throw new ServiceError("NO_CEREMONY", "No ceremony is open. Start one from the start screen.");
    return active;
  };
  const view = (a: ActiveCeremony) => ceremonyView(a.runner, a);

  const closeActive = async (): Promise<void> => {
    if (!active) return;
    const a = active;
    active = null;
    await a.runner.close();
    await a.env?.cleanup();
  };

  /** A new or resumed ceremony waits until the open one is finished or aborted. */
  const refuseOpenCeremony = (): void => {
    if (active && !["completed", "aborted"].includes(active.runner.state().phase)) {
      throw new ServiceError("CEREMONY_OPEN", `Ceremony ${active.runner.ceremonyId} is still open. Finish or abort it first.`);
    }
  };

  /** The bundle folder the officer chose, checked before anything else: a bundle with nowhere to go must not cost an HSM signature. */
  const checkedOutDir = async (outDir: string | undefined): Promise<string | null> => {
    const chosen = outDir !== undefined ? resolve(outDir) : null;
    if (chosen) await checkOutputDir(chosen, null);
    return chosen;
  };

  /** The started or resumed ceremony becomes the open one; its bundle goes to the chosen folder or a new one named after it. */
  const opened = async (runner: CeremonyRunner, env: RehearsalEnvironment | null, sink: ActiveCeremony["sink"], chosenOut: string | null) => {
    active = {
      runner,
      env,
      sink,
      previews: new Set(),
      running: false,
      bundleDir: null,
      outDir: chosenOut ?? join(bundlesDir, runner.ceremonyId),
      finishError: null,
      recoverySource: await recoverySourceOf(runner.script, options.ceremonyScriptsDir),
    };
    return view(active);
  };

  /** Opens the ceremony's PKCS#11 module afresh (a replugged HSM is found so), reporting long HSM work. */
  const hsmOpener = (modulePath: string, moduleArgs: string | undefined, env: RehearsalEnvironment | null) => async () => {
    const client = await HsmClient.open({ modulePath, ...(moduleArgs !== undefined ? { moduleArgs } : {}), ...(env ? { env: env.env } : {}) });
    client.on("busy", (b) => options.onProgress({ kind: "hsm-busy", operation: b.operation, elapsedMs: b.elapsedMs }));
    client.on("idle", () => options.onProgress({ kind: "hsm-idle" }));
    return client;
  };

  const pin = (text: string): Buffer => Buffer.from(text, "utf8");
  const rotationOf = (purpose: string): { script: string; available: boolean } | null => {
    const script = rotationScriptFor(purpose);
    return script ? { script, available: existsSync(join(options.ceremonyScriptsDir, script)) } : null;
  };

  const service: ServiceImpl = {
    async "app:info"() {
      return { version: APP_VERSION, rehearsalOnly: options.rehearsalOnly === true, defaultModule: SOFTHSM2_MODULE, scriptsDir: options.ceremonyScriptsDir };
    },

    async "scripts:list"() {
      return scripts.list();
    },

    async "scripts:load"(req) {
      return scripts.summarize(req.file, req.parameters);
    },

    async "scripts:print"(req) {
      return scripts.print(req.file, req.parameters ?? {}, req.rehearsal);
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
      refuseOpenCeremony();
      await closeActive();
      const script = loadScript(await scripts.text(req.file), req.file, { parameters: req.parameters });
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

    async "output:check"(req) {
      const dir = resolve(req.dir);
      await checkOutputDir(dir, null);
      return { dir };
    },

    async "ceremony:start"(req) {
      refuseOpenCeremony();
      // Before anything else: a bundle with nowhere to go must not cost an HSM signature.
      const chosenOut = await checkedOutDir(req.outDir);
      await closeActive();
      const rehearsal = req.rehearsal || options.rehearsalOnly === true;
      const text = await scripts.text(req.file);
      const script = await withRecoveryHeadCount(loadScript(text, req.file, { parameters: req.parameters }), options.ceremonyScriptsDir);
      // A recovery of a card set a re-escrow revoked is refused before anybody signs in.
      await refuseRevokedRecovery(script, options.ceremonyScriptsDir, { lookup: (setId) => journal.escrowSet(setId), extraChecks: [scriptRecheck] });
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
        openHsm: hsmOpener(modulePath, moduleArgs, env),
        token,
        cards: sink,
        rehearsal,
        scriptDir: options.ceremonyScriptsDir,
        preflight: report,
      });
      return opened(runner, env, sink, chosenOut);
    },

    async "ceremony:unfinished"() {
      return unfinishedCeremonies(journal);
    },

    async "ceremony:resume"(req) {
      refuseOpenCeremony();
      const unfinished = requireUnfinished(journal, req.ceremonyId);
      const token = refuseResumeToken(unfinished, req.token);
      const chosenOut = await checkedOutDir(req.outDir);
      await closeActive();
      const sink = new PrinterCardSink(options.printer);
      // The token is found when a step needs it: its serial is checked again there, before the PIN.
      const runner = CeremonyRunner.resume(req.ceremonyId, {
        journal,
        credentials,
        openHsm: hsmOpener(req.modulePath ?? SOFTHSM2_MODULE, req.moduleArgs, null),
        token,
        cards: sink,
        rehearsal: false,
        scriptDir: options.ceremonyScriptsDir,
      });
      return opened(runner, null, sink, chosenOut);
    },

    async "ceremony:abandon"(req) {
      refuseOpenCeremony();
      const unfinished = requireUnfinished(journal, req.ceremonyId);
      if (!unfinished.rehearsal) {
        throw new ServiceError("ABANDON_NOT_REHEARSAL", `Ceremony ${unfinished.ceremonyId} ran on a real token: resume it on that token, then abort it from the officer console if it must stop.`);
      }
      await closeActive();
      const { env, token } = await preflightTarget(true, {}, unfinished.scriptId);
      const sink = new RehearsalCardSink(await mkdtemp(join(env!.dir, "cards-")));
      const witness = req.witnessId !== undefined && req.witnessPin !== undefined ? { participantId: req.witnessId, pin: pin(req.witnessPin) } : undefined;
      let runner: CeremonyRunner | null = null;
      try {
        runner = CeremonyRunner.resume(req.ceremonyId, {
          journal,
          credentials,
          openHsm: hsmOpener(env!.modulePath, undefined, env),
          token,
          cards: sink,
          rehearsal: true,
          scriptDir: options.ceremonyScriptsDir,
          freshRehearsalToken: true,
        });
        // Aborted before the restart, but not yet signed: only the signature is missing.
        if (runner.state().phase === "aborted") wipe(witness?.pin);
        else runner.abort(req.actorId, req.reason, witness);
      } catch (e) {
        wipe(witness?.pin);
        await runner?.close();
        await env?.cleanup();
        throw e;
      }
      if (madeTranscriptSigner(runner.events())) {
        // Its signing key went with the old token: a transcript signed by any other key would not
        // verify as this ceremony's (verify: SIGNER_NOT_RECORDED). The journal records the end.
        runner.recordTerminal();
        await runner.close();
        await env?.cleanup();
        return {
          view: null,
          note: `Rehearsal ${runner.ceremonyId} is abandoned: its abort is recorded in the journal. No bundle is written: the key that signs its transcript was on the throwaway token, which is gone.`,
        };
      }
      active = { runner, env, sink, previews: new Set(), running: false, bundleDir: null, outDir: join(bundlesDir, runner.ceremonyId), finishError: null, recoverySource: null };
      return { view: view(active), note: `Rehearsal ${runner.ceremonyId} is aborted; its ABORTED transcript is signed on a fresh throwaway token.` };
    },

    async "ceremony:state"() {
      return active ? view(active) : null;
    },

    async "ceremony:add-participant"(req) {
      const a = requireActive();
      a.runner.addParticipant({ name: req.name, role: req.role as Role, organisation: req.organisation, title: req.title }, pin(req.attestationPin));
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

    async "ceremony:attest-card-set-void"(req) {
      const a = requireActive();
      a.runner.attestCardSetVoid(req.participantId, pin(req.pin));
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
      // Another folder after a failed write: checked first, then kept for a further retry.
      if (req.outDir !== undefined) {
        const dir = resolve(req.outDir);
        await checkOutputDir(dir, null);
        a.outDir = dir;
      }
      const outDir = a.outDir;
      const hsmPin = req.hsmPin !== undefined ? pin(req.hsmPin) : undefined;
      let result;
      try {
        result = await finishCeremony(a.runner, {
          outDir,
          ...(hsmPin ? { hsmPin } : {}),
          // Only the valid set's cards: a set voided after a failed split stays out of print/.
          ...(a.sink instanceof RehearsalCardSink ? { printedCards: await validRehearsalCards(a) } : {}),
        });
      } catch (e) {
        // Kept for the screen, which may be shown anew (the journal may already say "completed").
        a.finishError = e instanceof CeremonyError ? { code: e.code, message: e.message } : { code: "INTERNAL", message: `Signing or writing the bundle failed: ${(e as Error).message}` };
        throw e;
      }
      a.finishError = null;
      a.bundleDir = result.bundleDir;
      const v = result.verification;
      return { view: view(a), verification: verificationView(outDir, v.ok, v.failures, v.transcript, result.signerSpkiSha256) };
    },

    async "cards:preview"(req) {
      return cardPreview(requireActive(), req.participantId);
    },

    async "shares:check"(req) {
      return checkShare(req.text, req.participantId, active, req.entered, options.ceremonyScriptsDir);
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
      const aborted = abortedCeremonyIds(journal);
      const groups = journal.listKeysWithCopies();
      const rows = groups.flatMap((g) => g.tokens);
      const named = (ref: { tokenSerial: string; ckaId: string }) => ({ label: rows.find((x) => x.tokenSerial === ref.tokenSerial && x.ckaId === ref.ckaId)?.label ?? "?", ckaId: ref.ckaId });
      return groups.map((g) => {
        const k = g.tokens[0]!;
        // A rotation links the key (every token copy of it) to its successor.
        const replaced = g.tokens.find((t) => t.supersededBy);
        return {
          label: g.label,
          ckaId: k.ckaId,
          tokenLabel: k.tokenLabel,
          tokenSerial: k.tokenSerial,
          algorithm: g.algorithm,
          purpose: g.purpose,
          status: g.status,
          copies: g.copies.map((c) => ({ kind: c.kind, what: describeCopy(c), fate: describeFate(c), status: c.status, remains: !isAccountedFor(c) })),
          spkiSha256: g.spkiSha256,
          kcvEcb0: g.kcvEcb0,
          kcvCmac: g.kcvCmac,
          createdAt: k.createdAt,
          rotationDueAt: k.rotationDueAt,
          destroyedAt: k.destroyedAt,
          rotation: rotationOf(g.purpose),
          abortedCeremony: abortedMaker(k, g.status, aborted),
          replacedBy: replaced?.supersededBy ? named(replaced.supersededBy) : null,
          replaces: g.tokens.flatMap((t) => t.supersedes).map(named),
          destructionDueAt: replaced?.destructionDueAt ?? null,
        };
      });
    },

    async "report:evidence"(req) {
      const anchors = (req.signers ?? []).map((text) => {
        const fp = anchorFromText(text);
        if (fp === null) throw new AnchorError(`"${text.slice(0, 80)}" is not a signer fingerprint: give the 64 hex digits or the 32 PGP words from the witness sheet.`);
        return fp;
      });
      let asOf: Date | undefined;
      if (req.asOf !== undefined) {
        asOf = new Date(`${req.asOf}T00:00:00Z`);
        if (Number.isNaN(asOf.getTime())) throw new ServiceError("REPORT_AS_OF", `${req.asOf} is not a date. Give it as 2027-12-31.`);
      }
      const dirs = req.dirs?.length ? req.dirs.map((d) => resolve(d.startsWith("/") ? d : join(bundlesDir, d))) : [bundlesDir];
      const report = await buildEvidenceReport(dirs, { anchors, extraChecks: [scriptRecheck], ...(asOf ? { asOf } : {}) });
      if (!req.save) return { report, saved: null };
      const dir = join(options.dataDir, "reports", report.generatedAt.replace(/[:.]/g, "-"));
      await mkdir(dir, { recursive: true });
      const saved = { pdf: join(dir, "evidence-report.pdf"), json: join(dir, "evidence-report.json") };
      await writeFile(saved.json, `${JSON.stringify(report, null, 2)}\n`, { flag: "wx" });
      await writeFile(saved.pdf, await renderEvidenceReport(report), { flag: "wx" });
      return { report, saved };
    },
  };
  return Object.assign(service, {
    async close() {
      await closeActive();
      journal.close();
    },
  });
}

/** A rehearsal's cards of the latest split (a set made again supersedes a voided one); none before a split. */
async function validRehearsalCards(a: ActiveCeremony): Promise<Array<{ fileName: string; path: string }>> {
  const split = lastEventOfType(a.runner.events(), "escrow.split");
  return split && a.sink instanceof RehearsalCardSink ? a.sink.cardsOf(split.body.setId) : [];
}

/** Whether the ceremony made (or began to make) its transcript-signing key, whose fingerprint its transcript then records. */
function madeTranscriptSigner(events: ReadonlyArray<RecordedEvent>): boolean {
  return events.some(
    (e) =>
      (e.type === "fact.recorded" && e.body.details.purpose === "transcript-signing") ||
      (e.type === "hsm.object.created" && e.body.label === TRANSCRIPT_SIGNER_LABEL),
  );
}
