/**
 * Terminal questions for `ceremony run`. Secrets (PINs, share words) are read without echo when
 * the terminal allows it, into a Buffer the caller wipes; they never pass through a log.
 */
import { createInterface, type Interface } from "node:readline";

export interface Prompter {
  ask(question: string): Promise<string>;
  /** Reads a line without echo; returns bytes the caller must wipe. */
  secret(question: string): Promise<Buffer>;
  close(): void;
}

export function terminalPrompter(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Prompter {
  const lines: string[] = [];
  const waiters: Array<(line: string | null) => void> = [];
  let closed = false;
  const rl: Interface = createInterface({ input, terminal: false });
  rl.on("line", (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  });
  rl.on("close", () => {
    closed = true;
    for (const w of waiters.splice(0)) w(null);
  });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      if (closed) return reject(new Error("input ended before the ceremony did"));
      waiters.push((l) => (l === null ? reject(new Error("input ended before the ceremony did")) : resolve(l)));
    });
  const setEcho = (on: boolean): void => {
    // Without a TTY (input from a file or pipe) there is nothing on screen to hide.
    if (input.isTTY) input.setRawMode?.(false);
    if (input.isTTY && output.isTTY) output.write(on ? "\x1b[28m" : "\x1b[8m");
  };
  return {
    async ask(question) {
      output.write(question);
      return (await next()).trim();
    },
    async secret(question) {
      output.write(`${question} (not shown) `);
      setEcho(false);
      try {
        return Buffer.from(await next(), "utf8");
      } finally {
        setEcho(true);
        output.write("\n");
      }
    },
    close() {
      rl.close();
    },
  };
}
