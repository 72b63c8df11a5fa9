/**
 * One rehearsal: a script run start to finish on a throwaway token (SoftHSM2, or any module with
 * its init string, e.g. NSS softokn) by scripted people, ending in a verified bundle. The demo
 * chains several of these. With `real`, the same script runs as a real ceremony does under
 * `ceremony run` (not marked as a rehearsal; cards saved to a folder after the explicit
 * confirmation, never put in the bundle): how the tests run real ceremonies on each implementation.
 */
import { type EventBody, lastEventOfType } from "../events/index.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { HsmClient, type HsmClientOptions, type TokenEnvironment } from "../hsm/index.ts";
import type { Journal, JournalEvent } from "../journal/index.ts";
import { scanCardQr } from "./card-scanner.ts";
import { cardsInFolder, RehearsalCardSink, SavedCardSink } from "./card-sinks.ts";
import type { CredentialStore } from "./credentials.ts";
import { finishCeremony, type FinishResult } from "./finish.ts";
import type { LoadedScript } from "./load-script.ts";
import type { Participant } from "./participants.ts";
import { driveCeremony, type ScriptedParticipant } from "./rehearsal-driver.ts";
import { CeremonyRunner } from "./runner.ts";
import { preflightOnModule } from "./preflight-session.ts";
import { refuseRevokedRecovery } from "./escrow-holders.ts";
import { scriptRecheck } from "./script-recheck.ts";

/**
 * The default cast of a rehearsal: enough people for every script in ceremony-scripts/. Xu
 * Witness is the Director of Cybersecurity, the named witness the rotation scripts require.
 */
export function rehearsalCast(shareHolders = 5): ScriptedParticipant[] {
  const holders = ["Hana Holder", "Ivo Holder", "Jun Holder", "Kai Holder", "Lea Holder", "Mo Holder", "Nia Holder", "Oli Holder"];
  return [
    { name: "Ada Administrator", role: "ceremony-administrator", organisation: "Security Operations", attestationPin: "ada-attest-2026" },
    { name: "Cy Officer", role: "crypto-officer", organisation: "Security Operations", attestationPin: "cy-attest-2026" },
    { name: "Wen Witness", role: "internal-witness", organisation: "Internal Audit", attestationPin: "wen-attest-2026" },
    { name: "Xu Witness", role: "internal-witness", organisation: "Risk", title: "Director of Cybersecurity", attestationPin: "xu-attest-2026" },
    ...Array.from({ length: shareHolders }, (_, i) => ({
      name: holders[i] ?? `Holder ${i + 1}`,
      role: "share-holder" as const,
      organisation: i % 2 ? "Finance" : "Engineering",
      attestationPin: `holder-${i + 1}-attest`,
    })),
  ];
}

export interface RehearsalRun {
  script: LoadedScript;
  env: TokenEnvironment;
  tokenLabel: string;
  /** Run as a real ceremony (rehearsal: false), the way `ceremony run` does, instead of a rehearsal. */
  real?: boolean;
  /** Tests: make the module look less capable (src/hsm/capability-mask.ts). */
  mask?: HsmClientOptions["mask"];
  journal: Journal;
  outDir: string;
  participants?: ScriptedParticipant[];
  credentials?: CredentialStore;
  /** Cards from an earlier ceremony, by holder name, for recovery. */
  cardTexts?: Map<string, string>;
  recoveryHolders?: (holders: Participant[], k: number) => Participant[];
  file?: (stepId: string) => Promise<{ name: string; bytes: Buffer }>;
  log?: (line: string) => void;
  clock?: () => Date;
  /** Where cards are staged; kept across a crash so that a resumed rehearsal finds them. */
  stagingDir?: string;
  /** Continue this ceremony from the journal instead of starting a new one. */
  resumeCeremonyId?: string;
  onEvent?: (event: JournalEvent) => void;
}

export interface RehearsalResult extends FinishResult {
  ceremonyId: string;
  /** Each holder's card as scanned back from the printed PDF, by holder name. */
  cardTexts: Map<string, string>;
}

export async function rehearseScript(run: RehearsalRun): Promise<RehearsalResult> {
  const token = run.env.tokens.find((t) => t.label === run.tokenLabel);
  if (!token) throw new Error(`rehearsal token ${run.tokenLabel} was not created`);
  const staging = run.stagingDir ?? (await mkdtemp(join(run.env.dir, "cards-")));
  const sink = run.real ? new SavedCardSink(staging, true) : new RehearsalCardSink(staging);
  const cardsOf = (setId: string): ReturnType<typeof cardsInFolder> => cardsInFolder(staging, setId);
  const runnerOptions = {
    journal: run.journal,
    credentials: run.credentials ?? run.journal.credentials,
    openHsm: () =>
      HsmClient.open({
        modulePath: run.env.modulePath,
        env: run.env.env,
        ...(run.env.moduleArgs !== undefined ? { moduleArgs: run.env.moduleArgs } : {}),
        ...(run.mask ? { mask: run.mask } : {}),
      }),
    token: { label: token.label, serial: token.serial },
    cards: sink,
    rehearsal: run.real !== true,
    // The scripted participants' PINs are in the code or the parameters file: their hashes protect nothing.
    pinHashCost: "scripted" as const,
    ...(run.clock ? { clock: run.clock } : {}),
    ...(run.onEvent ? { onEvent: run.onEvent } : {}),
  };
  // As in a real ceremony, a recovery of a card set a re-escrow revoked is refused before anyone signs in.
  if (!run.resumeCeremonyId) await refuseRevokedRecovery(run.script, process.cwd(), { lookup: (setId) => run.journal.escrowSet(setId), extraChecks: [scriptRecheck] });
  // A rehearsal runs the same preflight before sign-in as a real ceremony (on its throwaway token).
  const runner = run.resumeCeremonyId
    ? CeremonyRunner.resume(run.resumeCeremonyId, runnerOptions)
    : CeremonyRunner.start(run.script, {
        ...runnerOptions,
        preflight: await preflightOnModule(
          {
            modulePath: run.env.modulePath,
            env: run.env.env,
            ...(run.env.moduleArgs !== undefined ? { moduleArgs: run.env.moduleArgs } : {}),
            // A masked token is masked for its preflight too: the preflight sees what the ceremony will.
            ...(run.mask ? { mask: run.mask } : {}),
          },
          runnerOptions.token,
          run.script,
        ),
      });
  const cardTexts = new Map(run.cardTexts ?? []);
  const scans = new Map<string, Promise<string>>();
  const scanOnce = (path: string): Promise<string> => {
    let scan = scans.get(path);
    if (!scan) scans.set(path, (scan = scanCardQr(path)));
    return scan;
  };
  const latestSet = (): EventBody<"escrow.split"> | undefined => lastEventOfType(runner.events(), "escrow.split")?.body;
  try {
    await driveCeremony(runner, {
      participants: run.participants ?? rehearsalCast(),
      hsmPin: token.userPin,
      readCard: async (holder) => {
        const set = latestSet();
        const card = set?.cards.find((c) => c.participantId === holder.id);
        const cards = set && card ? await cardsOf(set.setId) : [];
        const printed = cards.find((c) => c.card === card?.card);
        if (printed) {
          // Every card of the set is scanned from its PDF once, all at the same time (the read-back
          // asks for them one after another; a trial recovery asks again for k of them).
          for (const c of cards) scanOnce(c.path).catch(() => undefined);
          const text = await scanOnce(printed.path);
          cardTexts.set(holder.name, text);
          return text;
        }
        const text = cardTexts.get(holder.name);
        if (!text) throw new Error(`no card for ${holder.name}`);
        return text;
      },
      ...(run.recoveryHolders ? { recoveryHolders: run.recoveryHolders } : {}),
      ...(run.file ? { file: run.file } : {}),
      ...(run.log ? { log: run.log } : {}),
    });
    const set = latestSet();
    const result = await finishCeremony(runner, {
      outDir: run.outDir,
      // A real ceremony's cards went to their holders; only a rehearsal's go into the bundle.
      printedCards: set && !run.real ? await cardsOf(set.setId) : [],
      hsmPin: Buffer.from(token.userPin),
    });
    return { ...result, ceremonyId: runner.ceremonyId, cardTexts };
  } finally {
    await runner.close();
    if (!run.stagingDir) await rm(staging, { recursive: true, force: true });
  }
}
