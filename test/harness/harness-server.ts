/**
 * The browser test harness: serves renderer/dist and the ceremony contract on loopback, so
 * Playwright (and a person, via `npm run ui`) can drive the real renderer against the real
 * core without Electron.
 *
 *   GET  /                 index.html with the harness CSP and the bridge script
 *   GET  /harness-bridge.js window.ceremony over HTTP (same shape as the preload's)
 *   POST /rpc              {token, channel, request} → {ok, value} | {ok: false, error}
 *   GET  /events?token=    progress events as Server-Sent Events
 *
 * Each request is checked the way electron/ipc.ts checks IPC (it is the same function): the
 * channel must be in the contract, the request must parse with its schema, the answer is parsed
 * with the response schema, and only {name, code, message} of an error crosses with its advice
 * kind and sentence (src/api/api-error.ts) — never a stack.
 * Instead of Electron's sender-frame check, a random session token and the Host header are
 * checked; the server binds 127.0.0.1 only.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { START_URL } from "../../electron/app-url.ts";
import { handleInvocation, MAX_REQUEST_BYTES, type ServiceFor } from "../../electron/ipc.ts";
import { apiError } from "../../src/api/api-error.ts";
import { contract, ProgressEvent } from "../../src/api/contract.ts";
import { ADVICE_TEXT } from "../../src/common/advice.ts";
import { createService, type ServiceImpl } from "../../src/api/service.ts";
import { HARNESS_CSP, harnessIndexHtml } from "./harness-csp.ts";
import { PROJECT_DIR, RENDERER_DIST } from "./renderer-build.ts";
import { readStatic } from "./static-files.ts";

export interface HarnessOptions {
  /** Journal and bundles; a fresh temporary folder (removed on close) when not given. */
  dataDir?: string;
  distDir?: string;
  ceremonyScriptsDir?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Rehearsals only (the default, as `npm run ui` serves). False offers a real HSM as the
   * Electron app does: the test then provides the token (SOFTHSM2_CONF) and the printer (`lp` on PATH).
   */
  rehearsalOnly?: boolean;
  log?: (line: string) => void;
}

export interface Harness {
  /** The page to open, token in the fragment. */
  url: string;
  /** The witness view of the same session. */
  witnessUrl: string;
  origin: string;
  token: string;
  dataDir: string;
  /** The core itself, for tests that set up state the way another window would. */
  service: ServiceImpl;
  close(): Promise<void>;
}

const BRIDGE_SOURCE = readFileSync(path.join(import.meta.dirname, "harness-bridge.js"), "utf8");
const HEARTBEAT_MS = 15_000;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.log ?? (() => undefined);
  const distDir = path.resolve(options.distDir ?? RENDERER_DIST);
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "ceremony-harness-")));
  const token = randomBytes(32).toString("hex");
  const tokenBytes = Buffer.from(token);
  const listeners = new Set<ServerResponse>();

  const service = await createService({
    dataDir,
    ceremonyScriptsDir: options.ceremonyScriptsDir ?? path.join(PROJECT_DIR, "ceremony-scripts"),
    rehearsalOnly: options.rehearsalOnly ?? true,
    onProgress(event) {
      // As electron/progress.ts: only what the contract declares crosses; a bad event is dropped.
      const parsed = ProgressEvent.safeParse(event);
      if (!parsed.success) return;
      const frame = `data: ${JSON.stringify(parsed.data)}\n\n`;
      for (const res of listeners) res.write(frame);
    },
  });
  const bridge = `"use strict";\nconst CHANNELS = ${JSON.stringify(Object.keys(contract))};\nconst ADVICE_TEXT = ${JSON.stringify(ADVICE_TEXT)};\n${BRIDGE_SOURCE}`;

  const tokenMatches = (given: unknown): boolean => {
    if (typeof given !== "string") return false;
    const bytes = Buffer.from(given);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  let origin = "";
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`harness: ${req.method} ${req.url} failed: ${(error as Error).message}`);
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error");
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on another name resolving to 127.0.0.1 sends a foreign Host.
    if (req.headers.host !== new URL(origin).host) return send(res, 421, "text/plain; charset=utf-8", "wrong host");
    const url = new URL(req.url ?? "/", origin);
    if (req.method === "POST" && url.pathname === "/rpc") return rpc(req, res);
    if (req.method === "GET" && url.pathname === "/events") return events(url, req, res);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain; charset=utf-8", "method not allowed");
    if (url.pathname === "/harness-bridge.js") return send(res, 200, "text/javascript; charset=utf-8", bridge);
    if (url.pathname === "/" || url.pathname === "/index.html") {
      return send(res, 200, "text/html; charset=utf-8", harnessIndexHtml(await readFile(path.join(distDir, "index.html"), "utf8")));
    }
    const file = await readStatic(distDir, url.pathname);
    if (!file) return send(res, 404, "text/plain; charset=utf-8", "not found");
    send(res, 200, file.type, file.body);
  }

  async function rpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) return json(res, 403, failure("ForbiddenSenderError", "FORBIDDEN_SENDER", "Requests from another origin are refused."));
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      return json(res, 415, failure("InvalidRequestError", "INVALID_REQUEST", "The request must be JSON."));
    }
    const body = await readBody(req, MAX_REQUEST_BYTES + 64 * 1024);
    if (body === null) return json(res, 413, failure("RequestTooLargeError", "REQUEST_TOO_LARGE", "The request is too large and was refused."));
    let message: { token?: unknown; channel?: unknown; request?: unknown };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return json(res, 400, failure("InvalidRequestError", "INVALID_REQUEST", "The request is not valid JSON."));
    }
    if (!tokenMatches(message.token)) return json(res, 403, failure("ForbiddenSenderError", "FORBIDDEN_SENDER", "The session token is missing or wrong; open the URL the harness printed."));
    if (typeof message.channel !== "string") return json(res, 400, failure("UnknownChannelError", "UNKNOWN_CHANNEL", "The request names no channel."));
    // The token stands in for Electron's sender-frame check, so the frame check is satisfied here.
    const result = await handleInvocation(contract, service as unknown as ServiceFor<typeof contract>, message.channel, START_URL, true, message.request, (line, error) =>
      log(`harness: ${line}${error instanceof Error ? `: ${error.stack ?? error.message}` : ""}`),
    );
    json(res, 200, result);
  }

  function events(url: URL, req: IncomingMessage, res: ServerResponse): void {
    if (!tokenMatches(url.searchParams.get("token"))) return send(res, 403, "text/plain; charset=utf-8", "wrong token");
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", ...securityHeaders() });
    res.write(": connected\n\n");
    listeners.add(res);
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
    req.on("close", () => {
      clearInterval(heartbeat);
      listeners.delete(res);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  log(`harness: serving ${distDir} on ${origin}, data in ${dataDir}`);

  return {
    url: `${origin}/#token=${token}`,
    witnessUrl: `${origin}/#token=${token}&route=/witness`,
    origin,
    token,
    dataDir,
    service,
    async close() {
      for (const res of listeners) res.end();
      listeners.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function securityHeaders(): Record<string, string> {
  return {
    "content-security-policy": HARNESS_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...securityHeaders() });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}

function failure(name: string, code: string, message: string) {
  return { ok: false as const, error: apiError(name, code, message) };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
