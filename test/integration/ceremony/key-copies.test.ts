/**
 * Every copy of a key accounted for, on real SoftHSM2 tokens: a KEK escrowed 2 of 3 and recovered
 * into two more tokens has six copies besides the one it was made on. Destroyed on one token, the
 * inventory, `ceremony keys`, the transcript and the witness sheet say PARTLY DESTROYED and name
 * what remains where; a card that is not the key's stops the destruction before anything is
 * destroyed; on another workstation, given the bundles, a destruction that accounts for every
 * copy says DESTROYED; a destruction aborted after its token's copy is gone still says, on its
 * sheet and in the inventory, what remains; and each destruction bundle verifies, with
 * `ceremony verify` too.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { rehearsalCast, rehearseScript, type RehearsalResult } from "../../../src/ceremony/rehearsal.ts";
import { main } from "../../../src/cli/main.ts";
import type { EventBody } from "../../../src/events/index.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { type Transcript, verifyBundle } from "../../../src/transcript/index.ts";
import { runCeremony } from "../../helpers/demo-bundles.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
const BOUND_MS = 600_000;
let work: string;
let env: RehearsalEnvironment;
let journal: Journal;
let master: RehearsalResult;
let kekId: string;
const dirs = { master: "", drill: "", third: "", root: "", other: "" };

async function ceremony(name: string, scriptFile: string, params: string, tokenLabel: string, extra: Partial<Parameters<typeof rehearseScript>[0]> = {}): Promise<RehearsalResult> {
  const text = await readFile(join(SCRIPTS, scriptFile), "utf8");
  const outDir = join(work, name);
  return rehearseScript({ script: loadScript(text, scriptFile, parseParams(params, name)), env, tokenLabel, journal, outDir, ...extra });
}

async function transcriptOf(dir: string): Promise<Transcript> {
  return JSON.parse(await readFile(join(dir, "transcript.json"), "utf8")) as Transcript;
}

function verdictOf(t: Transcript): EventBody<"key.copies.accounted"> {
  return t.events.findLast((e) => e.type === "key.copies.accounted")!.body as EventBody<"key.copies.accounted">;
}

async function sheetText(dir: string): Promise<string> {
  return (await run("pdftotext", ["-layout", join(dir, "sheets/witness-sheet.pdf"), "-"])).stdout.replace(/\s+/g, " ");
}

/** The labels on a token, as OpenSC's pkcs11-tool lists them from its own process. */
async function labelsOn(tokenLabel: string): Promise<string[]> {
  const token = env.tokens.find((t) => t.label === tokenLabel)!;
  const { stdout } = await run("pkcs11-tool", ["--module", env.modulePath, "--token-label", tokenLabel, "--login", "--pin", token.userPin, "--list-objects"], {
    env: { ...process.env, ...env.env },
  });
  return [...stdout.matchAll(/label:\s+(.*)/g)].map((m) => m[1]!.trim());
}

const destruction = (extra = ""): string => `parameters:\n  keyLabel: KEK-01\n  expectedId: "${kekId}"\n${extra}`;
const list = (name: string, items: readonly string[]): string => `  ${name}: [${items.map((i) => JSON.stringify(i)).join(", ")}]\n`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "key-copies-"));
  env = await createRehearsalEnvironment([{ label: "kc-root" }, { label: "kc-drill" }, { label: "kc-third" }]);
  journal = Journal.open(join(work, "journal.db"));
  master = await ceremony("master-key", "master-key.yaml", "parameters:\n  threshold: 2\n  cardCount: 3\n", "kc-root", { participants: rehearsalCast(3) });
  dirs.master = join(work, "master-key");
  kekId = journal.listKeys().find((k) => k.label === "KEK-01")!.ckaId;
  for (const [name, token] of [["recovery-drill", "kc-drill"], ["recovery-third", "kc-third"]] as const) {
    await ceremony(name, "key-recovery.yaml", `parameters:\n  bundle: ${JSON.stringify(dirs.master)}\n`, token, {
      participants: rehearsalCast(3).filter((p) => p.role !== "share-holder" || p.name !== "Hana Holder"),
      cardTexts: master.cardTexts,
    });
  }
  dirs.drill = join(work, "recovery-drill");
  dirs.third = join(work, "recovery-third");
}, BOUND_MS);

afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

describe("a key recovered into two more tokens", () => {
  test("destroyed on the token it was made on: PARTLY DESTROYED, and every surface says what remains where", async () => {
    await ceremony("destroy-root", "key-destruction.yaml", destruction(), "kc-root", { participants: rehearsalCast(0) });
    dirs.root = join(work, "destroy-root");
    expect(await labelsOn("kc-root")).not.toContain("KEK-01");
    expect(await labelsOn("kc-drill")).toContain("KEK-01");

    // The transcript: seven copies listed (three tokens, three cards, the wrapped key), one destroyed.
    const verdict = verdictOf(await transcriptOf(dirs.root));
    expect(verdict.verdict).toBe("partly-destroyed");
    expect(verdict.copies.map((c) => `${c.kind === "token" ? c.tokenLabel : c.kind === "card" ? `card ${c.card}` : "wrapped key"}: ${c.status}`)).toEqual([
      "kc-root: destroyed",
      "kc-drill: present",
      "kc-third: present",
      "card 1: present",
      "card 2: present",
      "card 3: present",
      "wrapped key: present",
    ]);

    // The inventory and `ceremony keys`.
    const [kek] = journal.listKeysWithCopies().filter((g) => g.label === "KEK-01");
    expect(kek!.status).toBe("partly-destroyed");
    const out: string[] = [];
    expect(await main(["keys", "--journal", join(work, "journal.db")], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    const at = out.findIndex((l) => l.includes("KEK-01"));
    expect(out[at]).toMatch(/^PARTLY DESTROYED KEK-01\s+AES-256\s+kek\s+token kc-root .* destroyed \d{4}-\d{2}-\d{2}$/);
    const drill = env.tokens.find((t) => t.label === "kc-drill")!;
    expect(out.slice(at + 1, at + 8)).toEqual([
      expect.stringMatching(new RegExp(`^ {10}copy on token kc-drill \\(serial ${drill.serial}\\), ID .*: PRESENT$`)),
      expect.stringMatching(/^ {10}copy on token kc-third .*: PRESENT$/),
      expect.stringMatching(/^ {10}card 1 of escrow set .* \(held by Hana Holder\), share fingerprint .*: PRESENT$/),
      expect.stringMatching(/^ {10}card 2 of escrow set .*: PRESENT$/),
      expect.stringMatching(/^ {10}card 3 of escrow set .*: PRESENT$/),
      expect.stringMatching(/^ {10}wrapped key of escrow set .* \(escrow\/KEK-01.wrapped of bundle master-key-.*\): PRESENT$/),
      "          6 of 7 copies remain: KEK-01 is not destroyed until each is accounted for (key-destruction.yaml on each token that holds it; cards and wrapped keys in its cardsCollected and wrappedKeysDestroyed).",
    ]);

    // The witness sheet, as printed.
    const sheet = await sheetText(dirs.root);
    expect(sheet).toContain("KEK-01: PARTLY DESTROYED — copies remain");
    expect(sheet).toContain("6 of 7 copies remain");
    expect(sheet.match(/REMAINS/g)?.length).toBeGreaterThanOrEqual(6);

    // The bundle verifies as an auditor verifies it; anchored by its signer, exit 0.
    const verified = await runCeremony(["verify", dirs.root, "--signer", join(dirs.root, "signer.pub.pem")]);
    expect(verified.out, verified.err).toContain("VERIFIED");
    expect(verified.code).toBe(0);
  }, BOUND_MS);

  test("a card that is not one of the key's stops the destruction before the key is destroyed", async () => {
    const error = await ceremony("destroy-wrong-card", "key-destruction.yaml", destruction(list("cardsCollected", ["1 0000 0000 0000 0000"])), "kc-drill", {
      participants: rehearsalCast(0),
    }).catch((e: unknown) => e as Error & { code?: string });
    expect(error).toMatchObject({ code: "COPIES_CARD_UNKNOWN" });
    expect((error as Error).message).toMatch(/^cardsCollected: card 1 with share fingerprint 0000 0000 0000 0000 is not a card of this key's escrow sets \(card 1 is set .*\)\. Read the number/);
    expect(await labelsOn("kc-drill")).toContain("KEK-01");
  }, BOUND_MS);

  test("a destruction aborted after the key is gone from its token: the bundle verifies as aborted, and its sheet and the inventory say PARTLY DESTROYED", async () => {
    const text = await readFile(join(SCRIPTS, "key-destruction.yaml"), "utf8");
    const third = env.tokens.find((t) => t.label === "kc-third")!;
    const runner = CeremonyRunner.start(loadScript(text, "key-destruction.yaml", parseParams(destruction(), "aborted")), {
      journal,
      credentials: journal.credentials,
      openHsm: () => HsmClient.open({ modulePath: env.modulePath, env: env.env }),
      token: { label: third.label, serial: third.serial },
      cards: new RehearsalCardSink(join(work, "aborted-cards")),
      rehearsal: true,
      pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
    });
    const cast = rehearsalCast(0);
    const out = join(work, "destroy-aborted");
    try {
      // Air gap, login, the list of copies, the destruction on kc-third: then the cards are not in the room.
      await driveCeremony(runner, { participants: cast, hsmPin: third.userPin, stopAfterSteps: 4 });
      const people = runner.state().participants;
      const admin = people.find((p) => p.role === "ceremony-administrator")!;
      const witness = people.find((p) => p.role === "internal-witness")!;
      runner.abort(admin.id, "The share holders did not bring their cards", { participantId: witness.id, pin: Buffer.from(cast.find((c) => c.name === witness.name)!.attestationPin) });
      expect((await finishCeremony(runner, { outDir: out, hsmPin: Buffer.from(third.userPin) })).status).toBe("aborted");
    } finally {
      await runner.close();
    }
    expect(await labelsOn("kc-third")).not.toContain("KEK-01");
    const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
    expect(v.failures).toEqual([]);
    expect(v.transcript!.events.some((e) => e.type === "key.copies.accounted")).toBe(false);
    const sheet = await sheetText(out);
    expect(sheet).toContain("ABORTED");
    expect(sheet).toContain("KEK-01: PARTLY DESTROYED — copies remain");
    // This journal still holds the copy on kc-drill (the other workstation's destruction is not in it) and the escrow set.
    const [kek] = journal.listKeysWithCopies().filter((g) => g.label === "KEK-01");
    expect(kek!.status).toBe("partly-destroyed");
    expect(kek!.copies.filter((c) => c.status === "present").map((c) => (c.kind === "token" ? c.tokenLabel : c.kind))).toEqual(["kc-drill", "card", "card", "card", "wrapped-key"]);
  }, BOUND_MS);

  test("on another workstation, given the bundles, every copy accounted for: DESTROYED", async () => {
    // A fresh journal knows nothing; the bundles show every copy (the destruction on kc-root too).
    const other = Journal.open(join(work, "other.db"));
    const copies = journal.listKeysWithCopies().find((g) => g.label === "KEK-01")!.copies;
    const cards = copies.flatMap((c) => (c.kind === "card" ? [`${c.card} ${c.fingerprint.slice(0, 16).toUpperCase().replace(/(.{4})(?=.)/g, "$1 ")}`] : []));
    const blob = copies.find((c) => c.kind === "wrapped-key")!;
    const third = env.tokens.find((t) => t.label === "kc-third")!;
    const params = destruction(
      list("bundles", [dirs.master, dirs.drill, dirs.third, dirs.root]) +
        list("cardsCollected", cards) +
        list("wrappedKeysDestroyed", [blob.kind === "wrapped-key" ? blob.sha256.slice(0, 16) : ""]) +
        list("tokenCopiesDeclared", [`${third.serial}: token zeroised in front of the witnesses`]),
    );
    try {
      const text = await readFile(join(SCRIPTS, "key-destruction.yaml"), "utf8");
      await rehearseScript({
        script: loadScript(text, "key-destruction.yaml", parseParams(params, "other")),
        env,
        tokenLabel: "kc-drill",
        journal: other,
        outDir: join(work, "destroy-other"),
        participants: rehearsalCast(0),
      });
      dirs.other = join(work, "destroy-other");
      const t = await transcriptOf(dirs.other);
      const listed = t.events.find((e) => e.type === "key.copies.listed")!.body as EventBody<"key.copies.listed">;
      expect(listed.bundles.map((b) => b.scriptId)).toEqual(["master-key", "key-recovery", "key-recovery", "key-destruction"]);
      expect(listed.copies.find((c) => c.kind === "token" && c.tokenLabel === "kc-root")).toMatchObject({ status: "destroyed", by: (await transcriptOf(dirs.root)).ceremony.id });
      const verdict = verdictOf(t);
      expect(verdict.verdict).toBe("destroyed");
      expect(verdict.copies.find((c) => c.kind === "token" && c.tokenLabel === "kc-third")).toMatchObject({ status: "destroyed", note: "token zeroised in front of the witnesses" });
      expect(verdict.copies.filter((c) => c.kind === "card").every((c) => c.status === "collected-and-destroyed")).toBe(true);
      expect(await sheetText(dirs.other)).toContain("KEK-01: DESTROYED — every copy accounted for");

      // That workstation's inventory learnt the copies from the bundles and says destroyed.
      const [kek] = other.listKeysWithCopies().filter((g) => g.label === "KEK-01");
      expect(kek!.status).toBe("destroyed");
      expect(kek!.copies).toHaveLength(7);
      expect(await labelsOn("kc-drill")).not.toContain("KEK-01");

      // Not anchored: exit 3, and the fingerprint to compare is shown.
      const loose = await runCeremony(["verify", dirs.other]);
      expect(loose.code, loose.out + loose.err).toBe(3);
      expect(loose.out).toContain("VERIFIED — NOT ANCHORED");
    } finally {
      other.close();
    }
  }, BOUND_MS);
});
