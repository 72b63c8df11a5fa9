import { adviceKindOf, type AdviceKind, type CkrCode, type ErrorCode } from "./errors/registry.ts";

export type { AdviceKind, CkrCode, ErrorCode } from "./errors/registry.ts";

export interface CeremonyErrorOptions {
  cause?: unknown;
  /** Overrides the code's advice kind where the context changes it (a CKR_ code while creating a key). */
  advice?: AdviceKind;
  /** The message as it may be recorded, where `message` shows a secret to the person at the keyboard. */
  recorded?: string;
}

/**
 * Every error the core raises for a person to read is a CeremonyError: a stable `code` from the
 * registry (src/errors/registry.ts, listed in docs/errors.md), a message for the officer that says
 * what happened and what to do next, and the advice kind that decides whether "Retry" is offered.
 * Only `{name, code, message}` and the advice kind with its sentence cross IPC (electron/ipc.ts).
 */
export class CeremonyError extends Error {
  readonly code: ErrorCode | CkrCode;
  readonly advice: AdviceKind;
  /**
   * The message as it may be recorded (journal, transcript, logs). It differs from `message`
   * only where the message shows the person at the keyboard something secret — a share word
   * they typed and its near misses — which must stay on their screen.
   */
  readonly recordedMessage: string;
  constructor(code: ErrorCode | CkrCode, message: string, options: CeremonyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.advice = options.advice ?? adviceKindOf(code);
    this.recordedMessage = options.recorded ?? message;
  }
  toJSON(): { name: string; code: string; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** The program itself is wrong: a condition that cannot fail did. Never shown as officer advice. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`internal invariant broken: ${message}`);
    this.name = "InvariantError";
  }
}

/** A condition that must hold unless the program itself is wrong. */
export function strictAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Makes a `switch` over a union exhaustive at compile time. */
export function missingCaseError(value: never): Error {
  return new InvariantError(`unhandled case: ${String(value)}`);
}

/** Overwrites a buffer that held a secret. */
export function wipe(...buffers: Array<Uint8Array | undefined | null>): void {
  for (const b of buffers) b?.fill(0);
}
