/**
 * Terminal questions for `ceremony run`. On a terminal the whole session runs in raw mode with
 * our own line editing (backspace, Ctrl-U, Ctrl-C, Ctrl-D), so the terminal itself never echoes:
 * a secret is shown nowhere (not even as asterisks, which would tell its length), a choice is
 * echoed only when it is one of the choices, and a PIN typed ahead while the HSM works is not
 * echoed either. The conceal escape (SGR 8) alone is not enough: the text is still in the
 * scrollback and the copy buffer, and a Linux console ignores it. A terminal where echo cannot be
 * turned off is refused before the first question. Input from a pipe has no screen to hide from.
 */
import { CeremonyError, wipe } from "../errors.ts";

export interface Prompter {
  /** A free-text answer (names, paths), echoed as typed. */
  ask(question: string): Promise<string>;
  /** Reads a line without echo; returns bytes the caller must wipe. */
  secret(question: string): Promise<Buffer>;
  /**
   * One of `choices` (compared ignoring case and surrounding spaces), or null for anything else.
   * What was typed is shown only when it is one of the choices: a PIN typed here out of habit
   * stays off the screen.
   */
  choice(question: string, choices: readonly string[]): Promise<string | null>;
  /** Clears the screen and, where the terminal supports it, its scrollback; false without a terminal. */
  clearScreen(): boolean;
  close(): void;
}

export class EchoControlError extends CeremonyError {
  constructor() {
    super(
      "TERMINAL_ECHO",
      "This terminal cannot turn echo off, so PINs and share words typed here would be shown; run the ceremony from a terminal that can (a Linux console, xterm, tmux, ssh -t).",
    );
  }
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;
const BACKSPACE = [0x7f, 0x08];
const ESC = 0x1b;
// A line longer than this is not a PIN, a name or a card; the rest is dropped.
const MAX_LINE = 4096;
const ENDED = "input ended before the ceremony did";

type Echo = "typed" | "none";

interface Reader {
  echo: Echo;
  bytes: Buffer;
  length: number;
  resolve(line: Buffer): void;
  reject(e: Error): void;
}

export function terminalPrompter(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Prompter {
  const tty = input.isTTY === true;
  if (tty) {
    if (typeof input.setRawMode !== "function") throw new EchoControlError();
    try {
      input.setRawMode(true);
    } catch {
      throw new EchoControlError();
    }
  }
  const restore = (): void => {
    if (tty && input.isRaw) input.setRawMode(false);
  };
  process.once("exit", restore);

  const pending: number[] = [];
  let reader: Reader | null = null;
  let ended = false;
  let escape: "none" | "start" | "sequence" = "none";
  const show = (text: string | Buffer): void => {
    if (tty) output.write(text);
  };

  const finish = (r: Reader): void => {
    reader = null;
    const line = Buffer.from(r.bytes.subarray(0, r.length));
    wipe(r.bytes);
    r.resolve(line);
  };

  /** Feeds one byte to the current reader; false when no reader is waiting. */
  const feed = (byte: number): boolean => {
    const r = reader;
    if (!r) return false;
    if (escape !== "none") {
      // Arrow keys and the like (ESC [ … final byte) do nothing here.
      if (escape === "start") escape = byte === 0x5b || byte === 0x4f ? "sequence" : "none";
      else if (byte >= 0x40 && byte <= 0x7e) escape = "none";
      return true;
    }
    if (byte === ESC) {
      escape = "start";
    } else if (byte === 0x0d || byte === 0x0a) {
      finish(r);
    } else if (BACKSPACE.includes(byte)) {
      if (r.length === 0) return true;
      // Remove one whole UTF-8 character: its continuation bytes, then its lead byte.
      do r.length--;
      while (r.length > 0 && (r.bytes[r.length]! & 0xc0) === 0x80);
      if (r.echo === "typed") show("\b \b");
    } else if (byte === CTRL_U) {
      if (r.echo === "typed") show("\b \b".repeat(charCount(r.bytes.subarray(0, r.length))));
      r.bytes.fill(0, 0, r.length);
      r.length = 0;
    } else if (byte === CTRL_D && r.length === 0) {
      ended = true;
      reader = null;
      r.reject(new Error(ENDED));
    } else if (byte >= 0x20 && r.length < MAX_LINE) {
      r.bytes[r.length++] = byte;
      if (r.echo === "typed") show(Buffer.of(byte));
    }
    return true;
  };

  const drain = (): void => {
    while (pending.length && reader) {
      const byte = pending.shift()!;
      feed(byte);
    }
  };

  const onData = (chunk: Buffer): void => {
    if (tty && chunk.includes(CTRL_C)) {
      // Raw mode turned the terminal's own Ctrl-C off; stop the way it would have.
      pending.fill(0);
      wipe(chunk);
      restore();
      output.write("\n^C interrupted; the journal keeps every finished step: run the same command again to resume.\n");
      process.kill(process.pid, "SIGINT");
      return;
    }
    for (const b of chunk) pending.push(b);
    wipe(chunk);
    drain();
  };
  const onEnd = (): void => {
    ended = true;
    const r = reader;
    reader = null;
    // A last line without a newline still counts (a here-document, a file).
    if (r && r.length > 0) finish(r);
    else r?.reject(new Error(ENDED));
  };
  input.on("data", onData);
  input.on("end", onEnd);

  const readLine = (echo: Echo): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      if (ended && pending.length === 0) return reject(new Error(ENDED));
      reader = { echo, bytes: Buffer.alloc(MAX_LINE), length: 0, resolve, reject };
      input.resume();
      drain();
      if (ended && reader) onEnd();
    });

  return {
    async ask(question) {
      output.write(question);
      const line = await readLine("typed");
      show("\n");
      return line.toString("utf8").trim();
    },
    async secret(question) {
      output.write(`${question} (not shown) `);
      try {
        return await readLine("none");
      } finally {
        output.write("\n");
      }
    },
    async choice(question, choices) {
      output.write(question);
      const line = await readLine("none");
      const typed = line.toString("utf8").trim().toLowerCase();
      wipe(line);
      const chosen = choices.find((c) => c.toLowerCase() === typed) ?? null;
      show(chosen === null ? "\n" : `${chosen}\n`);
      return chosen;
    },
    clearScreen() {
      if (!output.isTTY) return false;
      // Cursor home, erase the screen, erase the scrollback (xterm's ED 3; ignored where unknown).
      output.write("\x1b[H\x1b[2J\x1b[3J");
      return true;
    },
    close() {
      input.off("data", onData);
      input.off("end", onEnd);
      pending.fill(0);
      restore();
      process.off("exit", restore);
      input.pause();
    },
  };
}

function charCount(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) if ((b & 0xc0) !== 0x80) n++;
  return n;
}
