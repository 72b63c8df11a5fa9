/**
 * Builds renderer/dist when it is missing or older than any renderer source (src/common included), so `npm run ui`,
 * the E2E tests and the bench always serve what the sources say.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const PROJECT_DIR = path.resolve(import.meta.dirname, "../..");
export const RENDERER_DIST = path.join(PROJECT_DIR, "renderer/dist");

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function rendererBuildIsStale(): boolean {
  const built = path.join(RENDERER_DIST, "index.html");
  if (!existsSync(built)) return true;
  // The renderer bundles src/common too (and types from src/api): a change there is a change of the renderer.
  const sources = ["renderer/index.html", "renderer/vite.config.ts", "renderer/tsconfig.json", "renderer/src", "src/common", "src/api/contract.ts"].map((p) => path.join(PROJECT_DIR, p));
  return Math.max(...sources.filter(existsSync).map(newestMtime)) > statSync(built).mtimeMs;
}

export async function ensureRendererBuild(log: (line: string) => void = () => undefined): Promise<void> {
  if (!rendererBuildIsStale()) return;
  log("building the renderer (renderer/dist is missing or older than its sources)…");
  const vite = path.join(PROJECT_DIR, "node_modules/vite/bin/vite.js");
  // NODE_ENV comes from whoever calls (vitest sets "test"), and Vite would then bundle React's
  // development build; the shipped renderer is the production one.
  await run(process.execPath, [vite, "build", "-c", "renderer/vite.config.ts", "--logLevel", "warn"], { cwd: PROJECT_DIR, env: { ...process.env, NODE_ENV: "production" } });
}
