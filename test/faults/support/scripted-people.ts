/**
 * What the scripted people of the fault suite do faster than in a rehearsal, without changing
 * what the app under test does:
 *   - attestation PINs are checked against a cheap scrypt hash (N = 2^6; the real hash uses
 *     2^15, ~90 ms on this machine, and the fault matrix checks thousands) — but only when the journal's credential table still holds
 *     the participant's real credential, so losing credentials in a crash is still caught;
 *   - share holders type the numbered words of their printed card (read from the PDF's text by
 *     pdftotext) instead of having the QR code scanned at 150 dpi (0.7 s a card); a card read
 *     again (the trial recovery after the read-back) is not given to pdftotext a second time.
 */
import { lastEventOfType } from "../../../src/events/index.ts";
import { execFile } from "node:child_process";
import { randomBytes, scryptSync } from "node:crypto";
import { promisify } from "node:util";
import type { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import type { CredentialStore } from "../../../src/ceremony/credentials.ts";
import type { PinCredential } from "../../../src/ceremony/participants.ts";
import type { ScriptedParticipant } from "../../../src/ceremony/rehearsal-driver.ts";
import type { Journal } from "../../../src/journal/index.ts";

const run = promisify(execFile);
const CHEAP = { N: 64, r: 8, p: 1 };

export function cheaplyCheckedCredentials(journal: Journal, cast: readonly ScriptedParticipant[]): CredentialStore {
  const cheap = new Map<string, PinCredential>();
  const stored = journal.credentials;
  return {
    put: (c, p, v) => stored.put(c, p, v),
    clear: (c) => stored.clear(c),
    get(c, p) {
      if (!stored.get(c, p)) return undefined;
      let credential = cheap.get(p);
      if (!credential) {
        const joined = lastEventOfType(journal.events(c), "participant.joined", (e) => e.body.participantId === p);
        const person = cast.find((x) => x.name === joined?.body.name && x.role === joined?.body.role);
        if (!person) return undefined;
        const salt = randomBytes(16);
        const hash = scryptSync(person.attestationPin, salt, 32, CHEAP);
        credential = { salt: salt.toString("hex"), hash: hash.toString("hex"), n: CHEAP.N, r: CHEAP.r, p: CHEAP.p };
        cheap.set(p, credential);
      }
      return credential;
    },
  };
}

/** Cards already read in this process, by file: a printed card never changes (cards are written once, never over). */
const readCards = new Map<string, Promise<string>>();

/** The numbered words of a printed card, as its holder would type them. */
export async function typedCardWords(sink: RehearsalCardSink, setId: string, card: number): Promise<string> {
  const printed = (await sink.cardsOf(setId)).find((c) => c.card === card);
  if (!printed) throw new Error(`card ${card} of set ${setId} was not printed`);
  let words = readCards.get(printed.path);
  if (!words) {
    // pdftotext's reading order, without -layout: the same numbered words in the same order,
    // for two thirds of the CPU (7.5 against 11.6 ms a card; the matrices read thousands).
    words = run("pdftotext", [printed.path, "-"]).then(({ stdout }) => [...stdout.matchAll(/(?<![\w.])(\d{1,2})\. ([a-z]+)\b/g)].map((m) => `${m[1]}. ${m[2]}`).join("\n"));
    readCards.set(printed.path, words);
  }
  return words;
}

/** The card of `holderId` in the ceremony's latest split, typed from its printed PDF. */
export async function latestCardOf(events: ReadonlyArray<{ type: string; body: Record<string, unknown> }>, sink: RehearsalCardSink, holderId: string): Promise<string> {
  const split = events.findLast((e) => e.type === "escrow.split")?.body as { setId: string; cards: Array<{ card: number; participantId: string }> } | undefined;
  const card = split?.cards.find((c) => c.participantId === holderId);
  if (!split || !card) throw new Error(`no card for participant ${holderId}`);
  return typedCardWords(sink, split.setId, card.card);
}
