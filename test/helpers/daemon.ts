/**
 * Small helpers for test daemons: a free loopback port, a child process started with its PID
 * kept (and stopped by that PID only), and waiting on a condition with a generous bound.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer } from "node:net";

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A free port whose next port is free too (swtpm: command and control channels). */
export async function freeLoopbackPortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freeLoopbackPort();
    if (port < 65535 && (await portFree(port + 1))) return port;
  }
  throw new Error("no two consecutive free loopback ports");
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Polls `check` until it holds; the bound only ends a hang, it is not a timing assumption. */
export async function waitFor(what: string, check: () => Promise<boolean>, boundMs = 60_000): Promise<void> {
  const until = Date.now() + boundMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${boundMs / 1000} s`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export interface Daemon {
  name: string;
  child: ChildProcess;
  output: () => string;
}

export function startDaemon(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Daemon {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  child.on("error", (e) => (output += `\n${e.message}`));
  return { name, child, output: () => output };
}

/** Stops the daemon by its own PID and waits until it has exited. */
export async function stopDaemon(d: Daemon | undefined): Promise<void> {
  if (!d || d.child.exitCode !== null || d.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => d.child.once("exit", () => r()));
  process.kill(d.child.pid!, "SIGTERM");
  await exited;
}
