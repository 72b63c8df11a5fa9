/**
 * Runs `ceremony demo` (the CLI, as a user runs it) once for a test file and gives the folder of
 * its ten bundles — the genuine material that verify tests attack as a forger would.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface DemoBundles {
  out: string;
  /** Bundle folder by its short name: root-ca, intermediate, crl, master-key, key-recovery, root-rotation, kek-rotation, re-escrow, key-destruction, copies-destruction. */
  bundle(name: string): string;
  cleanup(): void;
}

function workDir(prefix: string): string {
  const base = (() => {
    try {
      return statSync("/dev/shm").isDirectory() ? "/dev/shm" : tmpdir();
    } catch {
      return tmpdir();
    }
  })();
  return mkdtempSync(join(base, prefix));
}

export async function runDemo(prefix = "demo-bundles-"): Promise<DemoBundles> {
  const work = workDir(prefix);
  const out = join(work, "out");
  let stderr = "";
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/ceremony.js"), "demo", "--out", out], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", done);
  });
  if (code !== 0) throw new Error(`ceremony demo failed (${code}): ${stderr}`);
  const names = readdirSync(out).filter((n) => /^\d\d-/.test(n));
  return {
    out,
    bundle(name) {
      const found = names.find((n) => n.slice(3) === name);
      if (!found) throw new Error(`the demo made no ${name} bundle (it made ${names.join(", ")})`);
      return join(out, found);
    },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}

/** Runs bin/ceremony.js with `args`; resolves with its exit code and output. Never uses a shell. */
export function runCeremony(args: string[], input?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/ceremony.js"), ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", rej);
    child.on("close", (code) => res({ code: code ?? -1, out, err }));
    child.stdin.end(input ?? "");
  });
}
