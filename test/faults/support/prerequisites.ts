/**
 * The rotation ceremonies rotate a key that is already on the token: before a fault case of
 * root-rotation.yaml the token must hold a root made by root-ca.yaml, and before one of
 * kek-rotation.yaml (or of re-escrow.yaml, which escrows it again) a KEK made by master-key.yaml. The prerequisite is rehearsed once per script
 * on a template token with its own journal (so the case's journal holds one ceremony, and the
 * rotation meets an old key its journal does not know, as on a new workstation); each case
 * copies that token. The returned parameters point the rotation at the old key.
 */
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

interface Prerequisite {
  script: string;
  /** The rotation's parameters, given the prerequisite's bundle folder and journal. */
  params(bundle: string, journal: Journal): string;
}

const PREREQUISITES: Record<string, Prerequisite> = {
  "root-rotation.yaml": {
    script: "root-ca.yaml",
    params: (bundle) => `parameters:\n  oldRootCertificate: ${JSON.stringify(join(bundle, "certs", "root-ca-r1.pem"))}\n`,
  },
  "kek-rotation.yaml": {
    script: "master-key.yaml",
    params: (_bundle, journal) => `parameters:\n  oldKeyId: "${journal.listKeys().find((k) => k.label === "KEK-01")!.ckaId}"\n`,
  },
  "re-escrow.yaml": {
    script: "master-key.yaml",
    params: (bundle, journal) => reEscrowParams(bundle, journal),
  },
};

/** A re-escrow of the master key's set (from its bundle), 3 of 5 again, with every old card handed in. */
export function reEscrowParams(bundle: string, journal: Journal): string {
  const cards = journal.escrowSetsOf("KEK-01")[0]!.cards.map((c) => `"${c.card} ${c.fingerprint.slice(0, 16)}"`);
  return `parameters:\n  previousBundle: ${JSON.stringify(bundle)}\n  trigger: holder-left\n  reason: "A holder left"\n  cardsCollected: [${cards.join(", ")}]\n`;
}

export function needsPrerequisite(scriptFile: string): boolean {
  return scriptFile in PREREQUISITES;
}

export interface PreparedToken {
  env: RehearsalEnvironment;
  /** The rotation script's parameters file text ("" when it needs none). */
  paramsText: string;
}

/** A rehearsal token in `parentDir` on which `scriptFile` can run: with its prerequisite done, when it has one. */
export async function preparedToken(scriptsDir: string, scriptFile: string, tokenLabel: string, parentDir: string): Promise<PreparedToken> {
  const env = await createRehearsalEnvironment([{ label: tokenLabel }], { parentDir });
  const prerequisite = PREREQUISITES[scriptFile];
  if (!prerequisite) return { env, paramsText: "" };
  const dir = join(env.dir, "prerequisite");
  mkdirSync(dir, { recursive: true });
  const journal = Journal.open(join(dir, "journal.db"));
  try {
    const script = loadScript(await readFile(join(scriptsDir, prerequisite.script), "utf8"), prerequisite.script);
    const bundle = join(dir, "bundle");
    await rehearseScript({ script, env, tokenLabel, journal, outDir: bundle, participants: rehearsalCast(5) });
    return { env, paramsText: prerequisite.params(bundle, journal) };
  } finally {
    journal.close();
  }
}

/** The script loaded with the parameters its prerequisite gave. */
export async function loadWithParams(scriptsDir: string, scriptFile: string, paramsText: string): Promise<ReturnType<typeof loadScript>> {
  const text = await readFile(join(scriptsDir, scriptFile), "utf8");
  return loadScript(text, scriptFile, paramsText ? parseParams(paramsText, `${scriptFile} parameters`) : undefined);
}
