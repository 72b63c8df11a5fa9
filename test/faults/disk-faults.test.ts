/**
 * Disk faults, on real file systems (tmpfs mounts; the suite runs as root in CI): the journal's
 * folder read-only, the disk full in the middle of an HSM action and while the bundle is
 * written, a bundle folder that already holds a file, and the bundle's media removed while it is
 * written. Each error must say what happened and what to do; no half bundle may be left at the
 * target; and in every case the journal reopens, verifies, and the ceremony completes.
 */
import { lastEventOfType } from "../../src/events/index.ts";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RehearsalCardSink } from "../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../src/ceremony/finish.ts";
import { loadScript, type LoadedScript } from "../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../src/ceremony/runner.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../src/hsm/index.ts";
import type { ChainedEvent } from "../../src/journal/index.ts";
import { Journal, JournalUnavailableError } from "../../src/journal/index.ts";
import { BundleExistsError, BundleWriteError, verifyBundle } from "../../src/transcript/index.ts";
import { EXPECTED_LABELS, eventProblems, tokenProblems } from "./support/ceremony-invariants.ts";
import { recordFaultRow, type FaultRow } from "./support/fault-table.ts";
import { scratchDir } from "./support/scratch.ts";
import { cheaplyCheckedCredentials } from "./support/scripted-people.ts";

const canMount = process.getuid?.() === 0 && tryMount();
const dir = scratchDir("disk-faults-");
const mounts: string[] = [];
const cast = rehearsalCast(5);
let env: RehearsalEnvironment;
let script: LoadedScript;
const outcomes: Array<{ fault: string; problems: string[] }> = [];

function tryMount(): boolean {
  const probe = scratchDir("mount-probe-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "pipe" });
    execFileSync("umount", [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** A small file system of its own, as a USB stick would be. */
function mountTmpfs(name: string, size: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", path]);
  mounts.push(path);
  return path;
}

/** Fills the file system holding `folder` to the last byte. */
function fill(folder: string): string {
  const filler = join(folder, "filler");
  try {
    writeFileSync(filler, Buffer.alloc(64 * 1024 * 1024));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  }
  return filler;
}

/** The journal reopens (verifying every chain) with exactly these events. */
function reopenProblems(path: string, ceremonyId: string, expected: readonly ChainedEvent[]): string[] {
  try {
    const journal = Journal.open(path);
    try {
      const heads = journal.events(ceremonyId).map((e) => e.head);
      return heads.join() === expected.map((e) => e.head).join() ? [] : [`the reopened journal has ${heads.length} events, expected ${expected.length}`];
    } finally {
      journal.close();
    }
  } catch (e) {
    return [`the journal does not reopen: ${(e as Error).message}`];
  }
}

/** A fresh token per ceremony: each makes its own root key. */
async function freshToken(): Promise<void> {
  await env?.cleanup();
  env = await createRehearsalEnvironment([{ label: "disk" }], { parentDir: dir });
}

function startRunner(journal: Journal, onEvent?: (e: ChainedEvent) => void, resumeId?: string): CeremonyRunner {
  const token = env.tokens[0]!;
  const options = {
    journal,
    credentials: cheaplyCheckedCredentials(journal, cast),
    openHsm: () => HsmClient.open({ modulePath: env.modulePath, env: env.env }),
    token: { label: token.label, serial: token.serial },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted" as const, // the test's PINs are in its code: a costly hash protects nothing
    ...(onEvent ? { onEvent } : {}),
  };
  return resumeId ? CeremonyRunner.resume(resumeId, options) : CeremonyRunner.start(script, options);
}

const drive = (runner: CeremonyRunner): Promise<void> => driveCeremony(runner, { participants: cast, hsmPin: env.tokens[0]!.userPin });
const pin = (): Buffer => Buffer.from(env.tokens[0]!.userPin);

beforeAll(async () => {
  script = loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml");
});

afterAll(async () => {
  for (const m of mounts.reverse()) execFileSync("umount", ["-l", m]);
  await env?.cleanup();
  const rows: FaultRow = {
    faultClass: "disk: read-only, full, bundle exists, media removed",
    tried: outcomes.length,
    survived: outcomes.filter((o) => o.problems.length === 0).length,
    lost: outcomes.filter((o) => o.problems.length > 0).map((o) => `${o.fault}: ${o.problems[0]}`),
    coverage: outcomes.map((o) => o.fault).join("; "),
  };
  if (outcomes.length > 0) recordFaultRow(rows);
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(canMount)("the journal's disk", () => {
  test("a read-only journal folder: a clear JournalUnavailableError, the file untouched, and it opens again once writable", async () => {
    const problems: string[] = [];
    await freshToken();
    const usb = mountTmpfs("journal-ro", "4m");
    const path = join(usb, "journal.db");
    const journal = Journal.open(path);
    const runner = startRunner(journal);
    await driveCeremony(runner, { participants: cast, hsmPin: pin().toString(), stopAfterSteps: 1 });
    const before = journal.events(runner.ceremonyId);
    journal.close();
    const bytes = readFileSync(path);
    execFileSync("mount", ["-o", "remount,ro", usb]);
    const error = (() => {
      try {
        Journal.open(path).close();
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    if (!(error instanceof JournalUnavailableError)) problems.push(`opening a read-only journal threw ${String(error)}`);
    else if (!/cannot be written \(read-only, removed or failing media\)/.test(error.message) || !error.message.includes(path) || !/kept as it is/.test(error.message)) {
      problems.push(`unclear message: ${error.message}`);
    }
    if (!readFileSync(path).equals(bytes)) problems.push("the journal file changed");
    execFileSync("mount", ["-o", "remount,rw", usb]);
    problems.push(...reopenProblems(path, runner.ceremonyId, before));
    // The ceremony goes on from the reopened journal and completes.
    const again = Journal.open(path);
    const resumed = startRunner(again, undefined, runner.ceremonyId);
    await drive(resumed);
    const result = await finishCeremony(resumed, { outDir: join(dir, "journal-ro-bundle"), hsmPin: pin() });
    if (!result.verification.ok) problems.push("the bundle does not verify");
    await resumed.close();
    again.close();
    outcomes.push({ fault: "journal folder read-only", problems });
    expect(problems).toEqual([]);
  });

  test("the disk fills up in the middle of generating the root key: nothing recorded, a clear error; after freeing space the key is adopted, not made twice", async () => {
    const problems: string[] = [];
    await freshToken();
    const usb = mountTmpfs("journal-full", "4m");
    const path = join(usb, "journal.db");
    const journal = Journal.open(path);
    let filler: string | undefined;
    // The disk is full from the moment the root key's creation is announced: the HSM makes
    // the key, and recording that it did fails.
    const runner = startRunner(journal, (e) => {
      if (e.type === "hsm.object.intent" && e.body.label === "ROOT-CA-R1" && !filler) filler = fill(usb);
    });
    const error = await drive(runner).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof JournalUnavailableError) || !/disk is full: free space on it, then retry/.test(error.message)) {
      problems.push(`a full disk surfaced as ${String(error)}`);
    }
    const atFull = journal.events(runner.ceremonyId);
    if (atFull.at(-1)?.type !== "hsm.object.intent") problems.push(`the last event recorded is ${atFull.at(-1)?.type}`);
    rmSync(filler!);
    await drive(runner);
    const result = await finishCeremony(runner, { outDir: join(dir, "journal-full-bundle"), hsmPin: pin() });
    if (!result.verification.ok) problems.push("the bundle does not verify");
    const events = journal.events(runner.ceremonyId);
    const adopted = lastEventOfType(events, "hsm.object.created", (e) => e.body.label === "ROOT-CA-R1");
    if (adopted?.body.adoptedAfterInterruption !== true) problems.push("the root key made before the disk filled was not adopted");
    // The failure itself could not be recorded (the disk was full): one action has no outcome.
    problems.push(...eventProblems(events, script, { participants: cast.length, resumes: 0, failures: 0, interrupted: 1 }));
    await runner.close();
    journal.close();
    problems.push(...reopenProblems(path, runner.ceremonyId, events));
    const token = env.tokens[0]!;
    problems.push(...(await tokenProblems({ modulePath: env.modulePath, env: env.env, tokenLabel: token.label, userPin: token.userPin }, EXPECTED_LABELS["root-ca.yaml"]!)));
    outcomes.push({ fault: "disk full during an HSM action (journal)", problems });
    expect(problems).toEqual([]);
  });
});

describe.runIf(canMount)("the bundle's disk", () => {
  let journal: Journal;
  let runner: CeremonyRunner;
  let events: ChainedEvent[];
  const journalPath = join(dir, "bundle-journal.db");

  beforeAll(async () => {
    await freshToken();
    journal = Journal.open(journalPath);
    runner = startRunner(journal);
    await drive(runner);
  });
  afterAll(async () => {
    await runner?.close();
    journal?.close();
  });

  /** After a failed attempt: the journal verifies, and finishing into a good folder works. */
  async function recovers(problems: string[], name: string): Promise<void> {
    events = journal.events(runner.ceremonyId);
    problems.push(...reopenProblems(journalPath, runner.ceremonyId, events));
    const result = await finishCeremony(runner, { outDir: join(dir, `${name}-retry`), hsmPin: pin() });
    if (!result.verification.ok) problems.push(`finishing again does not verify: ${result.verification.failures.map((f) => f.message).join("; ")}`);
  }

  test("a bundle folder that already holds a file: BundleExistsError, the file's bytes unchanged, nothing added", async () => {
    const problems: string[] = [];
    const target = join(dir, "existing");
    mkdirSync(target);
    const notes = Buffer.from("notes the officer keeps here\n");
    writeFileSync(join(target, "notes.txt"), notes);
    const error = await finishCeremony(runner, { outDir: target, hsmPin: pin() }).catch((e: unknown) => e);
    if (!(error instanceof BundleExistsError)) problems.push(`threw ${String(error)}`);
    if (!readFileSync(join(target, "notes.txt")).equals(notes)) problems.push("the existing file changed");
    if (readdirSync(target).join() !== "notes.txt") problems.push(`the folder now holds ${readdirSync(target).join(", ")}`);
    if (readdirSync(dir).some((n) => n.startsWith("existing.partial-"))) problems.push("a partial bundle was left next to it");
    await recovers(problems, "existing");
    outcomes.push({ fault: "bundle target exists", problems });
    expect(problems).toEqual([]);
  });

  test("the bundle's disk is full: BundleWriteError says so, no bundle or partial bundle is left, and after freeing space it is written", async () => {
    const problems: string[] = [];
    const usb = mountTmpfs("bundle-full", "256k");
    const filler = fill(usb);
    const target = join(usb, "bundle");
    const error = await finishCeremony(runner, { outDir: target, hsmPin: pin() }).catch((e: unknown) => e);
    if (!(error instanceof BundleWriteError) || !/the disk is full\. Nothing was left there/.test(error.message)) problems.push(`threw ${String(error)}`);
    if (readdirSync(usb).join() !== "filler") problems.push(`the disk now holds ${readdirSync(usb).join(", ")}`);
    rmSync(filler);
    const result = await finishCeremony(runner, { outDir: target, hsmPin: pin() }).catch((e: unknown) => e);
    if (!(result as { verification?: { ok: boolean } }).verification?.ok) problems.push(`after freeing space: ${String(result)}`);
    await recovers(problems, "bundle-full");
    outcomes.push({ fault: "disk full while writing the bundle", problems });
    expect(problems).toEqual([]);
  });

  test("the media is removed while the bundle is written: a clear error, no half bundle at the target", async () => {
    const problems: string[] = [];
    const media = join(dir, "media");
    const parent = join(media, "ceremonies");
    mkdirSync(parent, { recursive: true });
    const target = join(parent, "bundle");
    // The moment the bundle's temporary folder appears, the folder holding it goes away.
    let removed = false;
    const watcher = watch(parent, (_event, name) => {
      if (!removed && String(name).startsWith("bundle.partial-")) {
        removed = true;
        rmSync(media, { recursive: true, force: true });
      }
    });
    const error = await finishCeremony(runner, { outDir: target, hsmPin: pin() }).catch((e: unknown) => e);
    watcher.close();
    if (!removed) problems.push("the media was not removed during the write");
    if (!(error instanceof BundleWriteError) || !/was the media removed\?/.test(error.message)) problems.push(`threw ${String(error)}`);
    if (existsSync(target)) problems.push("a bundle is at the target");
    // The media comes back (empty): the bundle is written to it in full.
    mkdirSync(parent, { recursive: true });
    const result = await finishCeremony(runner, { outDir: target, hsmPin: pin() });
    const v = await verifyBundle(target);
    if (!result.verification.ok || !v.ok) problems.push("the bundle written after the media came back does not verify");
    await recovers(problems, "media");
    outcomes.push({ fault: "media removed while writing the bundle", problems });
    expect(problems).toEqual([]);
  });
});

test.skipIf(canMount)("disk faults need root to mount tmpfs file systems", () => {
  console.log("disk faults skipped: mounting a tmpfs needs root (CI runs as root)");
});
