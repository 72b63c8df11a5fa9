/**
 * Every error the core raises for a person to read is a CeremonyError: a stable `code` for
 * programs and tests, and a message for the officer that says what happened and what to do next.
 * Only `{name, code, message}` crosses IPC.
 */
export class CeremonyError extends Error {
  readonly code: string;
  /**
   * The message as it may be recorded (journal, transcript, logs). It differs from `message`
   * only where the message shows the person at the keyboard something secret — a share word
   * they typed and its near misses — which must stay on their screen.
   */
  readonly recordedMessage: string;
  constructor(code: string, message: string, options?: { cause?: unknown; recorded?: string }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.recordedMessage = options?.recorded ?? message;
  }
  toJSON(): { name: string; code: string; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** A condition that must hold unless the program itself is wrong. */
export function strictAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`internal invariant broken: ${message}`);
}

/** Makes a `switch` over a union exhaustive at compile time. */
export function missingCaseError(value: never): Error {
  return new Error(`unhandled case: ${String(value)}`);
}

/** Overwrites a buffer that held a secret. */
export function wipe(...buffers: Array<Uint8Array | undefined | null>): void {
  for (const b of buffers) b?.fill(0);
}
