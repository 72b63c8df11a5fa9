/**
 * A rehearsal in its own process for the crash matrix (the approach of test/helpers/crash-driver.ts).
 * Prints "EVENT <seq> <type> <head>" after every journal append. With KILL_AT = n it stops dead right
 * after appending event n ("PAUSED") and waits to be killed, so the SIGKILL lands exactly after
 * that journal write. With KILL_AT = each it stops dead the same way after EVERY append
 * ("SNAPSHOT <seq>"), until the parent, having copied the ceremony's folder as it is at that
 * instant — what a SIGKILL there would leave — sends a line on stdin; the run then goes on to the
 * end. Without either (-1), it resumes the unfinished ceremony and completes it.
 * Prints "DONE" at the end. With PARAMS (a parameters file), the script runs with those values;
 * the journal may already hold other, finished ceremonies (a destruction needs the key's own).
 * Usage: main.cjs ENV_JSON JOURNAL SCRIPT OUT STAGING KILL_AT [PARAMS]
 */
import { existsSync, readFileSync, readSync, writeSync } from "node:fs";
import { basename } from "node:path";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner, type RunnerOptions } from "../../../src/ceremony/runner.ts";
import { HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { stopDeadForKill } from "../../helpers/stop-dead.ts";
import { cheaplyCheckedCredentials, latestCardOf } from "./scripted-people.ts";

/** Blocks this process (nothing else runs) until the parent writes a line on stdin. */
function waitForLine(): void {
  const byte = Buffer.alloc(1);
  for (;;) {
    try {
      if (readSync(0, byte, 0, 1, null) === 0) throw new Error("stdin closed before the snapshot was taken");
      if (byte[0] === 0x0a) return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

async function main(): Promise<void> {
  const [envJson, journalPath, scriptPath, outDir, staging, killAtArg, paramsPath] = process.argv.slice(2) as [string, string, string, string, string, string, string?];
  const snapshots = killAtArg === "each";
  const killAt = snapshots ? -1 : Number(killAtArg);
  const env = JSON.parse(readFileSync(envJson, "utf8")) as RehearsalEnvironment;
  const token = env.tokens[0]!;
  const cast = rehearsalCast(5);
  const journal = Journal.open(journalPath);
  // This script's ceremony, if a killed run began it (the journal may hold finished ceremonies of other scripts).
  const existing = journal.ceremonies().findLast((id) => {
    const started = journal.events(id)[0];
    return started?.type === "ceremony.started" && started.body.scriptFile === basename(scriptPath);
  });
  if (existing && existsSync(`${outDir}/manifest.json`)) {
    journal.close();
    writeSync(1, "DONE\n");
    return;
  }
  const sink = new RehearsalCardSink(staging);
  const options: RunnerOptions = {
    journal,
    credentials: cheaplyCheckedCredentials(journal, cast),
    openHsm: () => HsmClient.open({ modulePath: env.modulePath, env: env.env }),
    token: { label: token.label, serial: token.serial },
    cards: sink,
    rehearsal: true,
    // The cast's PINs are public (rehearsal.ts hashes them so too): a crash is about the journal, not the hash's cost.
    pinHashCost: "scripted",
    onEvent: (e) => {
      writeSync(1, `EVENT ${e.seq} ${e.type} ${e.head}\n`);
      if (e.seq === killAt) stopDeadForKill();
      if (snapshots) {
        writeSync(1, `SNAPSHOT ${e.seq}\n`);
        waitForLine();
      }
    },
  };
  const runner = existing
    ? CeremonyRunner.resume(existing, options)
    : CeremonyRunner.start(
        loadScript(readFileSync(scriptPath, "utf8"), basename(scriptPath), paramsPath ? parseParams(readFileSync(paramsPath, "utf8"), basename(paramsPath)) : undefined),
        options,
      );
  try {
    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, readCard: (holder) => latestCardOf(runner.events(), sink, holder.id) });
    const split = runner.events().findLast((e) => e.type === "escrow.split");
    await finishCeremony(runner, {
      outDir,
      hsmPin: Buffer.from(token.userPin),
      printedCards: split ? await sink.cardsOf(String(split.body.setId)) : [],
    });
  } finally {
    await runner.close();
    journal.close();
  }
  writeSync(1, "DONE\n");
}

main().catch((e: unknown) => {
  writeSync(2, `${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
