/**
 * A rehearsal in its own process, for crash tests: the parent kills it (SIGKILL) when it sees a
 * chosen event, then runs it again, which resumes the ceremony from the journal.
 * Bundled by test/helpers/global-setup.ts; usage: node start.cjs ENV_JSON JOURNAL SCRIPT OUT STAGING [KILL_TYPE KILL_NTH]
 * Prints "EVENT <seq> <type>" after every journal append (synchronously, so the parent sees it
 * before the next one), and "DONE" at the end. With KILL_TYPE and KILL_NTH it stops dead right
 * after appending the KILL_NTH event of that type ("PAUSED") and waits for the parent's SIGKILL,
 * so the kill lands exactly there: a process left running until the signal arrived could finish
 * the ceremony first on a fast machine, and there would be nothing left to resume.
 */
import { readFileSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { loadScript } from "../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../src/ceremony/rehearsal.ts";
import type { RehearsalEnvironment } from "../../src/hsm/index.ts";
import { Journal } from "../../src/journal/index.ts";
import { cheaplyCheckedCredentials } from "../faults/support/scripted-people.ts";
import { stopDeadForKill } from "./stop-dead.ts";

// CommonJS, as the app ships: no top-level await.
async function main(): Promise<void> {
  const [envJson, journalPath, scriptPath, outDir, staging, killType, killNth] = process.argv.slice(2) as [string, string, string, string, string, string?, string?];
  let seen = 0;
  const env = { ...(JSON.parse(readFileSync(envJson, "utf8")) as RehearsalEnvironment), cleanup: async () => undefined };
  const journal = Journal.open(journalPath);
  const cast = rehearsalCast(5);
  const text = await readFile(scriptPath, "utf8");
  const script = loadScript(text, basename(scriptPath));
  const unfinished = journal
    .ceremonies()
    .find((id) => !journal.events(id).some((e) => e.type === "ceremony.completed" || e.type === "ceremony.aborted") || !existsBundle());
  function existsBundle(): boolean {
    try {
      readFileSync(`${outDir}/manifest.json`);
      return true;
    } catch {
      return false;
    }
  }
  await rehearseScript({
    script,
    env,
    tokenLabel: env.tokens[0]!.label,
    journal,
    outDir,
    stagingDir: staging,
    participants: cast,
    // Attestation PINs checked against a cheap scrypt hash, as the fault suite does: the PIN
    // checks are not what this tests, and at full cost they are most of its CPU time.
    credentials: cheaplyCheckedCredentials(journal, cast),
    ...(unfinished ? { resumeCeremonyId: unfinished } : {}),
    onEvent: (e) => {
      writeSync(1, `EVENT ${e.seq} ${e.type}\n`);
      if (e.type === killType && ++seen === Number(killNth)) stopDeadForKill();
    },
  });
  journal.close();
  writeSync(1, "DONE\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`crash driver: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
