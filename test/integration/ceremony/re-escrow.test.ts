/**
 * Re-escrow on real SoftHSM2 tokens: a KEK escrowed 3 of 5 is escrowed again 2 of 3 for new
 * holders after one holder left. The new bundle verifies (with the link to the bundle it replaces),
 * names the old bundle and set, its cards decode (zbarimg) and were read back, the trial recovery
 * matched; the inventory marks the old set revoked and superseded, with each old card's fate; the
 * sheets show both sets. A recovery given the old bundle is refused before anybody signs in (from
 * the inventory, and on a workstation without it from the later bundle), while the new bundle's
 * cards recover the key. A re-escrow is refused, with nothing made, for another token's key, for a
 * set already revoked, and when as many old cards as the set needs are lost. A second re-escrow
 * names the set by its ID from the inventory alone.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scanCardQr } from "../../../src/ceremony/card-scanner.ts";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import { rehearsalCast, rehearseScript, type RehearsalResult } from "../../../src/ceremony/rehearsal.ts";
import type { ScriptedParticipant } from "../../../src/ceremony/rehearsal-driver.ts";
import { main } from "../../../src/cli/main.ts";
import { formatSetId } from "../../../src/common/index.ts";
import type { EventBody, EventType } from "../../../src/events/index.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { buildEvidenceReport, type EvidenceReport } from "../../../src/evidence/index.ts";
import { type Transcript, verifyBundle } from "../../../src/transcript/index.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { runCeremony } from "../../helpers/demo-bundles.ts";
import { attackerSigner, copyBundle, readTranscript, rechain, resign } from "../../helpers/forge-bundle.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
const BOUND_MS = 600_000;
let work: string;
let env: RehearsalEnvironment;
let journal: Journal;
let master: RehearsalResult;
let reEscrow: RehearsalResult;
const dirs = { master: "", reEscrow: "" };
let oldSplit: EventBody<"escrow.split">;

async function ceremony(name: string, scriptFile: string, params: string, tokenLabel: string, extra: Partial<Parameters<typeof rehearseScript>[0]> = {}): Promise<RehearsalResult> {
  const text = await readFile(join(SCRIPTS, scriptFile), "utf8");
  return rehearseScript({ script: loadScript(text, scriptFile, parseParams(params, name)), env, tokenLabel, journal, outDir: join(work, name), ...extra });
}

async function transcriptOf(dir: string): Promise<Transcript> {
  return JSON.parse(await readFile(join(dir, "transcript.json"), "utf8")) as Transcript;
}

function bodyOf<T extends EventType>(t: Transcript, type: T): EventBody<T> {
  return t.events.findLast((e) => e.type === type)!.body as unknown as EventBody<T>;
}

async function pdfText(path: string): Promise<string> {
  return (await run("pdftotext", ["-layout", path, "-"])).stdout.replace(/\s+/g, " ");
}

/** "3 1A2B 3C4D 5E6F 7A8B": a card as the officer copies it from the card, number and fingerprint. */
function printed(card: number): string {
  const fp = oldSplit.cards.find((c) => c.card === card)!.fingerprint.slice(0, 16).toUpperCase();
  return `${card} ${fp.match(/.{4}/g)!.join(" ")}`;
}

const list = (name: string, items: readonly string[]): string => `  ${name}: [${items.map((i) => JSON.stringify(i)).join(", ")}]\n`;

/** Ivo left; Hana and Jun stay, Pia joins: the new set is 2 of 3. */
const NEW_CAST: ScriptedParticipant[] = [
  ...rehearsalCast(5).filter((p) => p.role !== "share-holder" || ["Hana Holder", "Jun Holder"].includes(p.name)),
  { name: "Pia Holder", role: "share-holder", organisation: "Legal", attestationPin: "pia-attest-2026" },
];

function reEscrowParams(extra: string): string {
  return `parameters:\n  trigger: holder-left\n  reason: "Ivo Holder left the company (HR ticket 4411)"\n  threshold: 2\n  cardCount: 3\n${extra}`;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "re-escrow-"));
  env = await createRehearsalEnvironment([{ label: "re-root" }, { label: "re-drill" }, { label: "re-other" }]);
  journal = Journal.open(join(work, "journal.db"));
  master = await ceremony("master-key", "master-key.yaml", "parameters:\n  threshold: 3\n  cardCount: 5\n", "re-root", { participants: rehearsalCast(5) });
  dirs.master = join(work, "master-key");
  oldSplit = bodyOf(await transcriptOf(dirs.master), "escrow.split");
  // Cards 1, 3 and 4 are handed in, card 5 (Lea's) was lost, card 2 (Ivo's) left with him.
  reEscrow = await ceremony(
    "re-escrow",
    "re-escrow.yaml",
    reEscrowParams(`  previousBundle: ${JSON.stringify(dirs.master)}\n  previousSetId: "${formatSetId(oldSplit.setId)}"\n${list("cardsCollected", [printed(1), printed(3), printed(4)])}${list("cardsLost", [printed(5)])}`),
    "re-root",
    { participants: NEW_CAST },
  );
  dirs.reEscrow = join(work, "re-escrow");
}, BOUND_MS);

afterAll(async () => {
  journal?.close();
  await env?.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe("a re-escrow after a holder left", () => {
  test("the new bundle verifies, names the old bundle and set, and its new cards were read back and proven", async () => {
    const v = await verifyBundle(dirs.reEscrow, { extraChecks: [scriptRecheck] });
    expect(v.failures).toEqual([]);
    const t = await transcriptOf(dirs.reEscrow);
    const previous = bodyOf(t, "escrow.previous.checked");
    const masterT = await transcriptOf(dirs.master);
    expect(previous).toMatchObject({ setId: oldSplit.setId, bundleCeremonyId: masterT.ceremony.id, bundleScriptId: "master-key", source: "bundle", k: 3, n: 5, trigger: "holder-left" });
    expect(previous.kcvEcb0).toBe(oldSplit.kcvEcb0.toUpperCase());
    const split = bodyOf(t, "escrow.split");
    expect(split).toMatchObject({ k: 2, n: 3, kcvEcb0: oldSplit.kcvEcb0, kcvCmac: oldSplit.kcvCmac });
    expect(split.setId).not.toBe(oldSplit.setId);
    expect(split.cards.map((c) => c.holder)).toEqual(["Hana Holder", "Jun Holder", "Pia Holder"]);
    expect(t.events.filter((e) => e.type === "share.verified")).toHaveLength(3);
    expect(bodyOf(t, "escrow.trial-recovered")).toMatchObject({ cardsUsed: 2, kcvEcb0: oldSplit.kcvEcb0, kcvCmac: oldSplit.kcvCmac });
    expect(bodyOf(t, "escrow.set.revoked")).toMatchObject({
      setId: oldSplit.setId,
      supersededBySetId: split.setId,
      wrappedSha256: oldSplit.wrappedSha256,
      supersededByWrappedSha256: split.wrappedSha256,
      collected: [1, 3, 4],
      lost: [5],
      outstanding: [2],
    });
    // The new cards, as printed: each names the new set, and its QR code decodes (zbarimg).
    const cards = (await readdir(join(dirs.reEscrow, "print"))).sort();
    expect(cards).toHaveLength(3);
    for (const card of cards) {
      expect(await pdfText(join(dirs.reEscrow, "print", card))).toContain(formatSetId(split.setId));
      expect(await scanCardQr(join(dirs.reEscrow, "print", card))).toMatch(/^CWS1:/);
    }
  });

  test("the witness sheet and the summary show the old set REVOKED, the new set, and where each old card is", async () => {
    const split = bodyOf(await transcriptOf(dirs.reEscrow), "escrow.split");
    for (const sheet of ["witness-sheet.pdf", "transcript-summary.pdf"]) {
      const text = await pdfText(join(dirs.reEscrow, "sheets", sheet));
      expect(text).toContain(`Set ${formatSetId(oldSplit.setId)} REVOKED — superseded by set ${formatSetId(split.setId)}`);
      expect(text).toContain("Ivo Holder left the company (HR ticket 4411)");
      expect(text).toMatch(/STILL OUT card 2, held by Ivo Holder [0-9A-F ]+… NOT handed in/);
      expect(text).toMatch(/STILL OUT card 5, held by Lea Holder [0-9A-F ]+… declared LOST/);
      expect(text).toMatch(/gone card 1, held by Hana Holder [0-9A-F ]+… handed in and destroyed/);
    }
  });

  test("the inventory marks the old set revoked and superseded, with each old card's fate", () => {
    const split = journal.escrowSetsOf("KEK-01");
    expect(split).toHaveLength(2);
    const [old, current] = split;
    expect(old!.setId).toBe(oldSplit.setId.toLowerCase());
    expect(old!.revoked).toMatchObject({ supersededBy: current!.setId, reason: "Ivo Holder left the company (HR ticket 4411)" });
    expect(old!.cards.map((c) => `${c.card}:${c.status}`)).toEqual(["1:collected-and-destroyed", "2:present", "3:collected-and-destroyed", "4:collected-and-destroyed", "5:unknown"]);
    expect(current!.revoked).toBeNull();
    expect(current!.cards.map((c) => c.holder)).toEqual(["Hana Holder", "Jun Holder", "Pia Holder"]);
  });

  test("ceremony keys lists the old set REVOKED, superseded by the new one, and its cards still out", async () => {
    const [old, current] = journal.escrowSetsOf("KEK-01");
    const out: string[] = [];
    expect(await main(["keys", "--journal", join(work, "journal.db")], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(out).toContainEqual(
      `          escrow set ${formatSetId(old!.setId)}: REVOKED ${old!.revoked!.at.slice(0, 10)} by ${old!.revoked!.byCeremony} (Ivo Holder left the company (HR ticket 4411)); superseded by set ${formatSetId(current!.setId)}`,
    );
    expect(out.some((l) => l.includes(`card 2 of escrow set ${formatSetId(old!.setId)} (held by Ivo Holder)`) && l.endsWith("PRESENT"))).toBe(true);
  });

  test("ceremony verify checks the link from the new bundle to the one it replaces", async () => {
    const r = await runCeremony(["verify", dirs.master, dirs.reEscrow, "--json"]);
    const report = JSON.parse(r.out) as { bundles: Array<{ path: string; links: string[] }> };
    const links = report.bundles.flatMap((b) => b.links ?? []);
    expect(links.some((l) => l.includes("re-escrow of KEK-01") && l.includes(dirs.master))).toBe(true);
  });
});

test("the preflight looks for the KEK a re-escrow wraps again: unverified before the PIN, found or refused after it", async () => {
  const token = env.tokens.find((t) => t.label === "re-root")!;
  const module = { modulePath: env.modulePath, env: env.env };
  const script = async (keyLabel: string): Promise<ReturnType<typeof loadScript>> =>
    loadScript(await readFile(join(SCRIPTS, "re-escrow.yaml"), "utf8"), "re-escrow.yaml", parseParams(reEscrowParams(`  keyLabel: ${keyLabel}\n  previousBundle: ${JSON.stringify(dirs.reEscrow)}\n`), "preflight"));
  const row = (r: Awaited<ReturnType<typeof preflightOnModule>>, label: string) => r.rows.find((x) => x.need === `The existing KEK "${label}", to escrow again`)!;
  const pin = async (): Promise<Buffer> => Buffer.from(token.userPin);
  expect(row(await preflightOnModule(module, { label: "re-root" }, await script("KEK-01")), "KEK-01")).toMatchObject({ verdict: "unverified" });
  expect(row(await preflightOnModule(module, { label: "re-root" }, await script("KEK-01"), pin), "KEK-01")).toMatchObject({ verdict: "ok" });
  const missing = await preflightOnModule(module, { label: "re-root" }, await script("KEK-09"), pin);
  expect(row(missing, "KEK-09")).toMatchObject({ verdict: "refused", offered: 'no secret key labelled "KEK-09" is on this token' });
  expect(missing.ok).toBe(false);
});

describe("recovery given the old bundle", () => {
  test("is refused before anybody signs in, from this workstation's inventory", async () => {
    const before = journal.ceremonies().length;
    await expect(
      ceremony("old-recovery", "key-recovery.yaml", `parameters:\n  bundle: ${JSON.stringify(dirs.master)}\n`, "re-drill", { cardTexts: master.cardTexts }),
    ).rejects.toMatchObject({ code: "RECOVERY_SET_REVOKED", message: expect.stringContaining(`Set ${formatSetId(oldSplit.setId)} of KEK-01 was REVOKED by re-escrow-`) });
    expect(journal.ceremonies().length).toBe(before);
  });

  test("the CLI refuses it before any prompt, on a workstation without the inventory, given the later bundle", async () => {
    const share = join(work, "share.txt");
    await writeFile(share, master.cardTexts.get("Hana Holder")!);
    const fresh = join(work, "fresh-journal.db");
    const args = ["recover", "--bundle", dirs.master, "--rehearsal", "--journal", fresh, "--share", share, "--share", share, "--share", share];
    const refused = await runCeremony([...args, "--later-bundle", dirs.reEscrow]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("was REVOKED by re-escrow-");
    expect(refused.err).toContain("Nobody types a card of set");
    expect(refused.out).not.toContain("signed in");
  });

  test("the new bundle's cards recover the key into a fresh token", async () => {
    const result = await ceremony("new-recovery", "key-recovery.yaml", `parameters:\n  bundle: ${JSON.stringify(dirs.reEscrow)}\n`, "re-drill", {
      participants: NEW_CAST.filter((p) => p.name !== "Pia Holder"),
      cardTexts: reEscrow.cardTexts,
    });
    expect(result.status).toBe("completed");
    const recovered = bodyOf(await transcriptOf(join(work, "new-recovery")), "escrow.recovered") as EventBody<"escrow.recovered">;
    expect(recovered).toMatchObject({ kcvEcb0: oldSplit.kcvEcb0.toUpperCase(), cardsUsed: 2 });
  });
});

describe("a re-escrow is refused, with nothing made", () => {
  const refusedAt = async (name: string, params: string, tokenLabel: string, code: string): Promise<void> => {
    await expect(ceremony(name, "re-escrow.yaml", params, tokenLabel, { participants: NEW_CAST })).rejects.toMatchObject({ code });
    const id = journal.ceremonies().at(-1)!;
    expect(journal.events(id).some((e) => e.type === "escrow.split" || e.type === "escrow.set.revoked")).toBe(false);
  };

  test("on a token whose KEK-01 is another key", async () => {
    await ceremony("other-master", "master-key.yaml", "parameters:\n  threshold: 2\n  cardCount: 2\n", "re-other", { participants: rehearsalCast(2) });
    await refusedAt("other-token", reEscrowParams(`  previousBundle: ${JSON.stringify(join(work, "re-escrow"))}\n`), "re-other", "REESCROW_KEY_MISMATCH");
  });

  test("for a set already revoked", async () => {
    await refusedAt("again", reEscrowParams(`  previousBundle: ${JSON.stringify(dirs.master)}\n`), "re-root", "REESCROW_SET_REVOKED");
  });

  test("when as many old cards as the set needs are lost", async () => {
    const split = bodyOf(await transcriptOf(dirs.reEscrow), "escrow.split");
    const card = (n: number): string => `${n} ${split.cards.find((c) => c.card === n)!.fingerprint.slice(0, 16)}`;
    await refusedAt("exposed", reEscrowParams(`  previousBundle: ${JSON.stringify(dirs.reEscrow)}\n${list("cardsLost", [card(1), card(3)])}`), "re-root", "REESCROW_SET_EXPOSED");
  });
});

test("a second re-escrow names the set by its ID, from this workstation's inventory alone", async () => {
  const current = journal.escrowSetsOf("KEK-01").find((s) => s.revoked === null)!;
  const next = await ceremony("re-escrow-2", "re-escrow.yaml", reEscrowParams(`  previousSetId: "${formatSetId(current.setId)}"\n`).replace("holder-left", "holders-changed"), "re-root", { participants: NEW_CAST });
  expect(next.status).toBe("completed");
  const t = await transcriptOf(join(work, "re-escrow-2"));
  expect(bodyOf(t, "escrow.previous.checked")).toMatchObject({ source: "inventory", setId: current.setId.toUpperCase(), bundleCeremonyId: null, bundleSignerSpkiSha256: null });
  expect(journal.escrowSet(current.setId)!.revoked?.byCeremony).toBe(t.ceremony.id);
  expect((await verifyBundle(join(work, "re-escrow-2"), { extraChecks: [scriptRecheck] })).failures).toEqual([]);
}, BOUND_MS);

describe("the evidence report over the re-escrow bundles", () => {
  const requirement = (r: EvidenceReport, id: string): EvidenceReport["requirements"][number] => r.requirements.find((x) => x.id === id)!;

  test("cites the revoked set, its superseding set and the old card still out", async () => {
    const report = await buildEvidenceReport([dirs.master, dirs.reEscrow, join(work, "new-recovery")], { extraChecks: [scriptRecheck] });
    const [old, current] = journal.escrowSetsOf("KEK-01");
    const replacement = requirement(report, "replacement");
    expect(replacement.evidence.map((e) => e.text)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^KEK-01 escrow set ${formatSetId(old!.setId)} revoked by re-escrow-\\S+ \\(Ivo Holder left the company \\(HR ticket 4411\\)\\) and superseded by set ${formatSetId(current!.setId)} and its wrapped key; cards 1, 3, 4 handed in and destroyed under witness; card 5 declared lost or exposed$`),
      ),
    );
    expect(replacement.findings.map((f) => f.text)).toContainEqual(expect.stringMatching(/escrow set .* was revoked by re-escrow-\S+, but card 2 \(Ivo Holder\) of it is not recorded as handed in and destroyed$/));
    expect(requirement(report, "split-knowledge").evidence.map((e) => e.text)).toContainEqual(expect.stringContaining(`set ${formatSetId(current!.setId)} holds the split knowledge since`));
    expect(report.keys.find((k) => k.label === "KEK-01")!.copies.map((c) => c.state)).toContainEqual(expect.stringMatching(/^revoked by re-escrow-\S+ on \d{4}-\d{2}-\d{2}, superseded by set /));
  });

  test("contradicts a recovery from a set after a re-escrow revoked it", async () => {
    // The recovery from the first re-escrow's set, moved (rechained, re-signed) to after the second re-escrow revoked that set.
    const dir = copyBundle(join(work, "new-recovery"), join(work, "late-recovery"));
    const t = readTranscript(dir);
    const later = (iso: string): string => new Date(Date.parse(iso) + 30 * 86_400_000).toISOString();
    const events = t.events.map((e) => ({ ...e, time: later(e.time) }));
    await resign(dir, rechain({ ...t, ceremony: { ...t.ceremony, startedAt: later(t.ceremony.startedAt), endedAt: later(t.ceremony.endedAt) }, events }), attackerSigner());
    const report = await buildEvidenceReport([dirs.reEscrow, join(work, "re-escrow-2"), dir], { extraChecks: [scriptRecheck] });
    expect(report.bundles.map((b) => b.use)).toEqual(["evidence", "evidence", "evidence"]);
    expect(requirement(report, "replacement").findings.map((f) => f.text)).toContainEqual(
      expect.stringMatching(/^key-recovery-\S+ recovered KEK-01 from escrow set .* after re-escrow-\S+ revoked it on \d{4}-\d{2}-\d{2}$/),
    );
    expect(requirement(report, "replacement").status).toBe("contradicted");
  });
});
