/**
 * The `ceremony` command in a real pseudo-terminal, typed at as a person types: `script` from
 * util-linux gives the child a pty, so the kernel's echo, raw mode and escape sequences all
 * happen as on a laptop. Everything the terminal showed is kept, to be searched for secrets.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** A prompt and the answer typed at it (null: type nothing). */
export type PromptRule = [RegExp, (match: RegExpExecArray) => string | null | Promise<string | null>];

export class PtySession {
  /** Everything the terminal showed, escape sequences included. */
  screen = "";
  private cursor = 0;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number>;
  private wake: (() => void) | null = null;
  private closed = false;

  /** `program`: what starts the command; the compiled CLI unless a test needs its own entry. */
  constructor(args: string[], env: Record<string, string> = {}, program: string[] = [process.execPath, join(ROOT, "bin/ceremony.js")]) {
    const command = [...program, ...args].map(shellQuote).join(" ");
    this.child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: ROOT, env: { ...process.env, TERM: "xterm", ...env } });
    const take = (d: Buffer) => {
      this.screen += d.toString("utf8");
      this.wake?.();
    };
    this.child.stdout!.on("data", take);
    this.child.stderr!.on("data", take);
    this.exited = new Promise((res, rej) => {
      this.child.on("error", rej);
      this.child.on("close", (code) => {
        this.closed = true;
        this.wake?.();
        res(code ?? -1);
      });
    });
  }

  /** Waits until the terminal shows `pattern` after what was already matched; returns the match. */
  async waitFor(pattern: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const source = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : pattern;
    return (await this.waitForAny([source], timeoutMs)).match[0];
  }

  /** Waits for the first of `patterns` to appear (the earliest on screen wins); moves past it. */
  async waitForAny(patterns: RegExp[], timeoutMs = 60_000): Promise<{ which: number; match: RegExpExecArray }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen.slice(this.cursor);
      let best: { which: number; match: RegExpExecArray } | null = null;
      patterns.forEach((p, which) => {
        const match = new RegExp(p.source, p.flags.replace("g", "")).exec(rest);
        if (match && (!best || match.index < best.match.index)) best = { which, match };
      });
      if (best) {
        const found: { which: number; match: RegExpExecArray } = best;
        this.cursor += found.match.index + found.match[0].length;
        return found;
      }
      if (this.child.exitCode !== null || this.closed || Date.now() > deadline) {
        throw new Error(`the terminal never showed ${patterns.map(String).join(" or ")}; it ends with:\n${this.screen.slice(-1500)}`);
      }
      // Woken by output or the exit; the timer only bounds a hang.
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(t);
          res();
        };
      });
      this.wake = null;
    }
  }

  /**
   * The lines the terminal showed wider than `width` columns, as a terminal lays them out:
   * escape sequences take no room, a carriage return goes back to the first column, a backspace
   * one column left. Empty when every line fitted.
   */
  linesWiderThan(width: number): string[] {
    const wide: string[] = [];
    const plain = this.screen.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g, "");
    for (const raw of plain.split("\n")) {
      let column = 0;
      let widest = 0;
      for (const ch of raw) {
        if (ch === "\r") column = 0;
        else if (ch === "\b") column = Math.max(0, column - 1);
        else if (ch >= " ") widest = Math.max(widest, ++column);
      }
      if (widest > width) wide.push(`${widest}: ${raw.replace(/[\r\b]/g, "")}`);
    }
    return wide;
  }

  /** Raw keystrokes (control characters included). */
  keys(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Types `text` and Enter, as soon as `prompt` appears. */
  async answer(prompt: string | RegExp, text: string): Promise<void> {
    await this.waitFor(prompt);
    this.keys(`${text}\r`);
  }

  /**
   * Plays the people at the terminal: whenever one of the rules' prompts appears (the earliest on
   * screen first), types its answer and Enter, until `end` appears or the command exits. Resolves
   * with the command's exit status.
   */
  async answerUntil(rules: readonly PromptRule[], end: RegExp, timeoutMs = 60_000): Promise<number> {
    let done = false;
    void this.exited.then(() => (done = true));
    while (!done) {
      const next = await this.waitForAny([...rules.map((r) => r[0]), end], timeoutMs).catch((e: Error) => {
        if (done) return null;
        throw e;
      });
      if (!next || next.which === rules.length) break;
      const answer = await rules[next.which]![1](next.match);
      if (answer !== null) this.keys(`${answer}\r`);
    }
    return this.exited;
  }

  exit(): Promise<number> {
    return this.exited;
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}
