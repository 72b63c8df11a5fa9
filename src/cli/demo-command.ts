/**
 * `ceremony demo --out DIR`: the whole tour on throwaway SoftHSM2 tokens — root CA, intermediate
 * signing (from a CSR the "online CA" made), CRL signing, master key with 3-of-5 escrow cards and
 * every card read back from its printed PDF, recovery from 3 cards into a fresh token with KCV
 * match, root rotation with cross-certificates, KEK rotation (new KEK escrowed 2-of-3, the old
 * one scheduled for destruction), re-escrow of the new KEK after a holder left (new cards, the
 * old set revoked and a recovery from it refused), destruction of the rotated-out KEK on its first token (PARTLY
 * DESTROYED: copies remain, named), then of every remaining copy (the recovered one, the cards,
 * the wrapped key: DESTROYED) — then `verify` on every bundle, and the policy evidence report over
 * them all (evidence-report/ beside the bundles).
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { loadScript, parseParams } from "../ceremony/load-script.ts";
import { rehearsalCast, rehearseScript, type RehearsalResult } from "../ceremony/rehearsal.ts";
import { refuseRevokedSet } from "../ceremony/recovery-standing.ts";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { formatFingerprintPrefix, formatHex, formatUtcDate } from "../common/index.ts";
import { CeremonyError } from "../errors.ts";
import { createRehearsalEnvironment } from "../hsm/index.ts";
import { Journal } from "../journal/index.ts";
import { STATUS_WORDS, buildEvidenceReport } from "../evidence/index.ts";
import { renderEvidenceReport } from "../print/index.ts";
import { verifyBundle } from "../transcript/index.ts";
import type { CliIo } from "./io.ts";
import { describeKeys, revokedSets } from "./keys-command.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../ceremony-scripts");

export async function demoCommand(io: CliIo, outDir: string | undefined): Promise<number> {
  if (!outDir) {
    io.err("ceremony demo: give an output folder: ceremony demo --out DIR");
    return 2;
  }
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  if ((await readdir(out)).length > 0) {
    throw new CeremonyError("OUT_NOT_EMPTY", `${out} is not empty; the demo never overwrites. Choose a new folder.`);
  }
  const started = Date.now();
  io.out(`Ceremony Workstation demo — every ceremony rehearsed on throwaway SoftHSM2 tokens\nOutput: ${out}\n`);
  const env = await createRehearsalEnvironment([{ label: "demo-root" }, { label: "demo-recovery" }]);
  const journal = Journal.open(join(out, "journal.db"));
  const bundles: Array<{ name: string; dir: string; result: RehearsalResult }> = [];
  const log = (line: string): void => io.out(`    ${line}`);
  let demoFailures = 0;
  try {
    const ceremony = async (
      name: string,
      scriptFile: string,
      params: string,
      extra: Partial<Parameters<typeof rehearseScript>[0]> & { tokenLabel?: string } = {},
    ): Promise<RehearsalResult> => {
      const dir = join(out, name);
      io.out(`── ${name} (${scriptFile}) ──`);
      const text = await readFile(join(SCRIPTS, scriptFile), "utf8");
      const loaded = loadScript(text, scriptFile, parseParams(params, `${name} parameters`));
      const result = await rehearseScript({ script: loaded, env, tokenLabel: "demo-root", journal, outDir: dir, log, ...extra });
      io.out(`  ✔ ${result.status}; bundle ${dir}; journal head ${formatHex(result.checkpoint.head.slice(0, 8))} (${result.checkpoint.eventCount} events)\n`);
      bundles.push({ name, dir, result });
      return result;
    };

    await ceremony("01-root-ca", "root-ca.yaml", "parameters:\n  subject: \"CN=Demo Root CA R1, O=Ceremony Workstation Demo, C=US\"\n");
    const rootPem = join(out, "01-root-ca", "certs", "root-ca-r1.pem");

    // The online CA makes its key and CSR on its own machine and brings the CSR on a USB stick.
    const csrPath = join(env.dir, "intermediate.csr");
    await run("openssl", [
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
      "-keyout", join(env.dir, "intermediate.key"), "-subj", "/C=US/O=Ceremony Workstation Demo/CN=Demo Issuing CA 1", "-out", csrPath,
    ]);
    await ceremony("02-intermediate", "intermediate-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n`, {
      file: async () => ({ name: "intermediate.csr", bytes: await readFile(csrPath) }),
    });
    const revoked = `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n  revoked:\n    - serial: "7A3F19C2D48E0B51"\n      date: "2026-10-01"\n      reason: keyCompromise\n`;
    await ceremony("03-crl", "crl-signing.yaml", revoked);

    const master = await ceremony("04-master-key", "master-key.yaml", "parameters:\n  threshold: 3\n  cardCount: 5\n");
    const holders = ["Hana Holder", "Jun Holder", "Lea Holder"];
    io.out(`  (all 5 cards were read back from their printed PDFs; cards ${holders.join(", ")} now recover the key into a fresh token)\n`);
    await ceremony("05-key-recovery", "key-recovery.yaml", `parameters:\n  bundle: ${JSON.stringify(join(out, "04-master-key"))}\n`, {
      tokenLabel: "demo-recovery",
      participants: rehearsalCast(5).filter((p) => p.role !== "share-holder" || holders.includes(p.name)),
      cardTexts: master.cardTexts,
    });

    // Root rotation: the old root's certificate comes from its bundle; the Director of
    // Cybersecurity (Xu Witness) is the named witness the rotation scripts require.
    await ceremony(
      "06-root-rotation",
      "root-rotation.yaml",
      `parameters:\n  oldRootCertificate: ${JSON.stringify(rootPem)}\n  subject: "CN=Demo Root CA R2, O=Ceremony Workstation Demo, C=US"\n`,
      { participants: rehearsalCast(0) },
    );
    const kek = journal.listKeys().find((k) => k.label === "KEK-01" && k.tokenLabel === "demo-root");
    await ceremony("07-kek-rotation", "kek-rotation.yaml", `parameters:\n  oldKeyId: "${kek?.ckaId ?? ""}"\n  threshold: 2\n  cardCount: 3\n  overlapDays: 30\n`, {
      participants: rehearsalCast(3),
    });
    const scheduled = journal.listKeys().find((k) => k.label === "KEK-01" && k.tokenLabel === "demo-root")?.destructionDueAt;
    io.out(`  (KEK-02 replaces KEK-01, which is scheduled for destruction by ${scheduled ? formatUtcDate(scheduled) : "?"})\n`);
    // Re-escrow: Ivo, who holds a KEK-02 card, leaves. KEK-02 stays in the HSM; Hana and Jun get
    // new cards with Kai, 2 of 3, read back from their PDFs; the three old cards are handed in and
    // destroyed, and the old set is revoked.
    const oldSet = journal.escrowSetsOf("KEK-02").at(-1)!;
    const handedIn = oldSet.cards.map((c) => `"${c.card} ${formatHex(c.fingerprint.slice(0, 16))}"`);
    await ceremony(
      "08-re-escrow",
      "re-escrow.yaml",
      `parameters:\n  keyLabel: KEK-02\n  previousBundle: ${JSON.stringify(join(out, "07-kek-rotation"))}\n  trigger: holder-left\n  reason: "Ivo Holder left the company; all three cards handed in"\n  threshold: 2\n  cardCount: 3\n  cardsCollected: [${handedIn.join(", ")}]\n`,
      { participants: rehearsalCast(4).filter((p) => p.name !== "Ivo Holder") },
    );
    // A recovery given the old bundle is refused before anybody signs in (as `ceremony recover` and the start screen do).
    try {
      await refuseRevokedSet(oldSet.setId, { lookup: (setId) => journal.escrowSet(setId), extraChecks: [scriptRecheck] });
      io.out("  ✘ a recovery from the revoked set was NOT refused");
      demoFailures++;
    } catch (e) {
      if (!(e instanceof CeremonyError) || e.code !== "RECOVERY_SET_REVOKED") throw e;
      io.out(`  A recovery given 07-kek-rotation is now refused before anyone signs in: ${e.message}\n`);
    }
    io.out("  (the next two ceremonies destroy KEK-01 and every copy of it)\n");
    // The key has copies: the token it was made on, the token it was recovered into, five cards
    // and the wrapped key. Destroying it on one token leaves it PARTLY DESTROYED, and says what remains.
    const destroy = `parameters:\n  keyLabel: KEK-01\n  expectedId: "${kek?.ckaId ?? ""}"\n`;
    await ceremony("09-key-destruction", "key-destruction.yaml", destroy, { participants: rehearsalCast(0) });
    // Then the last copies: the recovered one on its token, the five cards handed in (number and
    // printed fingerprint) and the wrapped key's media. Every copy accounted for: DESTROYED.
    const copies = journal.listKeysWithCopies().find((g) => g.label === "KEK-01")?.copies ?? [];
    const cards = copies.flatMap((c) => (c.kind === "card" ? [`"${c.card} ${formatHex(c.fingerprint.slice(0, 16))}"`] : []));
    const blobs = copies.flatMap((c) => (c.kind === "wrapped-key" ? [`"${c.sha256.slice(0, 16)}"`] : []));
    const rest = `${destroy}  cardsCollected: [${cards.join(", ")}]\n  wrappedKeysDestroyed: [${blobs.join(", ")}]\n`;
    await ceremony("10-copies-destruction", "key-destruction.yaml", rest, { tokenLabel: "demo-recovery", participants: rehearsalCast(0) });

    io.out("── verify every bundle (as an auditor would: ceremony verify BUNDLE) ──");
    let failures = demoFailures;
    for (const b of bundles) {
      const v = await verifyBundle(b.dir, { extraChecks: [scriptRecheck] });
      failures += v.failures.length;
      io.out(`  ${v.ok ? "✔ verified" : "✘ FAILED  "} ${b.name}  signer ${formatFingerprintPrefix(b.result.signerSpkiSha256)}  ${v.failures.map((f) => f.message).join("; ")}`);
    }
    io.out("\n── policy evidence (ceremony report) ──");
    const report = await buildEvidenceReport(bundles.map((b) => b.dir), { extraChecks: [scriptRecheck] });
    const reportDir = join(out, "evidence-report");
    await mkdir(reportDir);
    await writeFile(join(reportDir, "evidence-report.json"), `${JSON.stringify(report, null, 2)}\n`, { flag: "wx" });
    await writeFile(join(reportDir, "evidence-report.pdf"), await renderEvidenceReport(report), { flag: "wx" });
    for (const r of report.requirements) io.out(`  ${STATUS_WORDS[r.status].padEnd(13)} ${r.title}`);
    io.out(`  written to ${reportDir} (evidence-report.pdf, evidence-report.json)`);
    io.out("\n── key inventory (ceremony keys) ──");
    const keys = journal.listKeysWithCopies();
    for (const line of describeKeys(keys, { revokedSets: revokedSets(journal, keys) })) io.out(`  ${line}`);
    io.out(`\nDemo ${failures === 0 ? "complete" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s. Bundles, sheets and REHEARSAL cards are under ${out}.`);
    return failures === 0 ? 0 : 1;
  } finally {
    journal.close();
    await env.cleanup();
  }
}
