/** Runs a bundled child process of the fault suite and collects its output lines. */
import { spawn } from "node:child_process";

export interface ChildRun {
  lines: string[];
  /** The child was stopped by our SIGKILL. */
  killed: boolean;
  code: number | null;
  stderr: string;
}

/**
 * Runs `node [nodeFlags…] main.cjs args…`. With `killOn`, SIGKILLs the child as soon as it prints that line.
 * `onLine` sees every line as it arrives; what it returns, if anything, is written to the child's
 * standard input. A child still running after `timeoutMs` is killed.
 */
export function runChild(
  main: string,
  args: string[],
  options: { killOn?: string; onLine?: (line: string) => string | void; timeoutMs?: number; nodeFlags?: readonly string[] } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), main, ...args], { stdio: [options.onLine ? "pipe" : "ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let partial = "";
    let stderr = "";
    let killed = false;
    child.stdout!.on("data", (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const reply = options.onLine?.(line);
        if (typeof reply === "string") child.stdin!.write(reply);
        if (!killed && options.killOn !== undefined && line === options.killOn) {
          killed = true;
          child.kill("SIGKILL");
        }
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // A child that hangs (a ceremony that can no longer move) is a finding, not a stuck suite.
    // The default is a bound for a hung child on a heavily loaded machine, not an expectation.
    const timeoutMs = options.timeoutMs ?? 900_000;
    const timer = setTimeout(() => {
      stderr += `\n(no end after ${timeoutMs} ms: killed)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ lines, killed, code, stderr });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time; results in the order of `jobs`. */
export async function pool<T>(limit: number, jobs: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
