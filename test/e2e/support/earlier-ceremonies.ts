/**
 * Ceremonies that happened before the one a test drives on screen — a master key whose KEK a
 * rotation replaces, or whose cards a re-escrow replaces — rehearsed directly on the test's token
 * and recorded in the workstation's journal, as an earlier session in the room would have.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearseScript, type RehearsalResult } from "../../../src/ceremony/rehearsal.ts";
import type { ScriptedParticipant } from "../../../src/ceremony/rehearsal-driver.ts";
import type { Role } from "../../../src/ceremony/roles.ts";
import type { EventBody } from "../../../src/events/index.ts";
import type { RehearsalEnvironment } from "../../../src/hsm/index.ts";
import type { Journal } from "../../../src/journal/index.ts";
import { PROJECT_DIR } from "../../harness/renderer-build.ts";
import type { Person } from "./people.ts";

export interface EarlierCeremony {
  env: RehearsalEnvironment;
  tokenLabel: string;
  journal: Journal;
  /** The bundle's folder. */
  outDir: string;
  /** A file of ceremony-scripts/. */
  file: string;
  /** The parameters, as a parameter file's YAML. */
  params: string;
  people: Person[];
}

export async function rehearseEarlierCeremony(c: EarlierCeremony): Promise<RehearsalResult> {
  const text = await readFile(path.join(PROJECT_DIR, "ceremony-scripts", c.file), "utf8");
  return rehearseScript({
    script: loadScript(text, c.file, parseParams(c.params, `${c.file} parameters`)),
    env: c.env,
    tokenLabel: c.tokenLabel,
    journal: c.journal,
    outDir: c.outDir,
    participants: c.people.map((p) => ({ name: p.name, role: p.role as Role, organisation: p.organisation, attestationPin: p.pin })) satisfies ScriptedParticipant[],
  });
}

/** The card set a bundle's escrow step printed (set ID, k, n, each card's holder and fingerprint). */
export async function splitOfBundle(bundleDir: string): Promise<EventBody<"escrow.split">> {
  const transcript = JSON.parse(await readFile(path.join(bundleDir, "transcript.json"), "utf8")) as { events: Array<{ type: string; body: unknown }> };
  const split = transcript.events.find((e) => e.type === "escrow.split");
  if (!split) throw new Error(`${bundleDir} has no escrow.split event`);
  return split.body as EventBody<"escrow.split">;
}
