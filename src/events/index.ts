/**
 * The journal's event vocabulary: every event type declared once, with the schema of its body
 * (docs/architecture.md, "Events"). One file per owning domain; this file joins them.
 *
 * Why a layer of its own: the journal (which refuses a body that does not fit), the standalone
 * transcript verifier (which checks every event of a signed transcript) and the ceremony engine
 * (which writes and folds them) all need the same schemas, and the first two may import neither
 * the engine nor the HSM. This layer imports zod and nothing else.
 */
import { z } from "zod";
import { airgapEvents } from "./airgap-events.ts";
import { ceremonyEvents } from "./ceremony-events.ts";
import { escrowEvents } from "./escrow-events.ts";
import { hsmEvents } from "./hsm-events.ts";
import { keyEvents } from "./key-events.ts";
import { pkiEvents } from "./pki-events.ts";

export { ARTIFACT_KINDS, FACT_KINDS } from "./ceremony-events.ts";
export { type OutputValue } from "./shared.ts";
export {
  CURRENT_TRANSCRIPT_FORMAT,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  eventTypesOf,
  isTranscriptFormat,
} from "./formats.ts";

export const EVENT_SCHEMAS = {
  ...ceremonyEvents,
  ...airgapEvents,
  ...hsmEvents,
  ...escrowEvents,
  ...keyEvents,
  ...pkiEvents,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventBody<T extends EventType> = z.output<(typeof EVENT_SCHEMAS)[T]>;
/** `{type, body}` of one event, discriminated on `type`: a switch over it narrows the body. */
export type EventData = { [T in EventType]: { type: T; body: EventBody<T> } }[EventType];
export type EventOf<T extends EventType> = Extract<EventData, { type: T }>;

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

/** The whole `{type, body}` pair as one zod discriminated union on `type`. */
export const eventDataSchema = z.discriminatedUnion(
  "type",
  EVENT_TYPES.map((type) => z.object({ type: z.literal(type), body: EVENT_SCHEMAS[type] })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<EventType>; body: z.ZodType }>,
    ...Array<z.ZodObject<{ type: z.ZodLiteral<EventType>; body: z.ZodType }>>,
  ],
);

/** Why an event does not fit its declared type: the field (dotted path under `body`) and the problem. */
export interface EventMisfit {
  type: string;
  field: string;
  problem: string;
}

/** Null when `body` fits the schema of `type`; otherwise the first field that does not. */
export function eventMisfit(type: string, body: unknown): EventMisfit | null {
  if (!isEventType(type)) return { type, field: "type", problem: `"${type}" is not a known event type` };
  const result = EVENT_SCHEMAS[type].safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  const keys = issue.code === "unrecognized_keys" ? (issue as { keys?: string[] }).keys ?? [] : [];
  const path = [...issue.path, ...(keys.length ? [keys[0]!] : [])].map(String);
  const field = ["body", ...path].join(".");
  const problem = issue.code === "unrecognized_keys" ? "is not a field of this event" : issue.message;
  return { type, field, problem };
}

/** A typed event from its parts, or the misfit. */
export function parseEventData(type: string, body: unknown): { ok: true; event: EventData } | { ok: false; misfit: EventMisfit } {
  const misfit = eventMisfit(type, body);
  return misfit ? { ok: false, misfit } : { ok: true, event: { type, body } as EventData };
}


/** An event as the journal stores it and a transcript carries it, with its body typed by `type`. */
export type RecordedEvent = { ceremonyId: string; seq: number; time: string; actor: string; head: string } & EventData;
export type RecordedEventOf<T extends EventType> = RecordedEvent & { type: T; body: EventBody<T> };

/** Every event of one type, typed. */
export function eventsOfType<T extends EventType>(events: readonly RecordedEvent[], type: T): Array<RecordedEventOf<T>> {
  return events.filter((e): e is RecordedEventOf<T> => e.type === type);
}

/** The last event of one type (that also satisfies `where`), typed. */
export function lastEventOfType<T extends EventType>(
  events: readonly RecordedEvent[],
  type: T,
  where: (e: RecordedEventOf<T>) => boolean = () => true,
): RecordedEventOf<T> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === type && where(e as RecordedEventOf<T>)) return e as RecordedEventOf<T>;
  }
  return undefined;
}
