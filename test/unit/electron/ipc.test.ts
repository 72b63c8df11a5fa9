import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError, contract } from "../../../src/api/contract.ts";
import { ADVICE_TEXT } from "../../../src/common/advice.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { PROGRESS_CHANNEL } from "../../../electron/channels.ts";
import {
  handleInvocation,
  isOurMainFrame,
  MAX_REQUEST_BYTES,
  registerIpcHandlers,
  type InvokeEventLike,
  type IpcMainLike,
  type ServiceFor,
} from "../../../electron/ipc.ts";

const OUR_PAGE = "app://ceremony/index.html";

/** A contract of our own, so these tests do not depend on which entries src/api has today. */
const testContract = {
  "key:label": {
    request: z.object({ label: z.string().min(1).max(32) }).strict(),
    response: z.object({ label: z.string(), kcv: z.string() }),
  },
  // Written without .strict(): main must still refuse unknown keys.
  "key:count": {
    request: z.object({ min: z.number().int() }),
    response: z.number(),
  },
} as const;

class HsmLockedError extends CeremonyError {}

function recordingService(answer: (channel: string, request: unknown) => unknown = () => ({ label: "root", kcv: "F29000" })) {
  const calls: Array<[string, unknown]> = [];
  const service = {
    "key:label": async (request: unknown) => {
      calls.push(["key:label", request]);
      return answer("key:label", request);
    },
    "key:count": async (request: unknown) => {
      calls.push(["key:count", request]);
      return answer("key:count", request);
    },
  } as ServiceFor<typeof testContract>;
  return { service, calls };
}

const invoke = (
  rawArg: unknown,
  options: { channel?: string; senderUrl?: string | undefined; isMainFrame?: boolean; answer?: (channel: string, request: unknown) => unknown } = {},
) => {
  const { service, calls } = recordingService(options.answer);
  const logged: unknown[] = [];
  const result = handleInvocation(
    testContract,
    service,
    options.channel ?? "key:label",
    "senderUrl" in options ? options.senderUrl : OUR_PAGE,
    options.isMainFrame ?? true,
    rawArg,
    (_message, error) => logged.push(error),
  );
  return { result, calls, logged };
};

describe("handleInvocation: a valid request", () => {
  it("calls the service with the parsed request and wraps its answer", async () => {
    const { result, calls } = invoke({ label: "root-2025" });
    expect(await result).toEqual({ ok: true, value: { label: "root", kcv: "F29000" } });
    expect(calls).toEqual([["key:label", { label: "root-2025" }]]);
  });

  it("drops fields of the answer that the contract does not declare", async () => {
    const { result } = invoke({ label: "kek" }, { answer: () => ({ label: "kek", kcv: "377822", pin: "123456" }) });
    expect(await result).toEqual({ ok: true, value: { label: "kek", kcv: "377822" } });
  });
});

describe("handleInvocation: who is asking", () => {
  it.each([
    ["a subframe of our page", OUR_PAGE, false],
    ["a destroyed frame", undefined, true],
    ["another app host", "app://evil/index.html", true],
    ["a look-alike host", "app://ceremony.evil/index.html", true],
    ["user info before the host", "app://x@ceremony/index.html", true],
    ["a file URL", "file:///opt/ceremony/renderer/dist/index.html", true],
    ["a web page", "https://ceremony/index.html", true],
    ["developer tools", "devtools://devtools/bundled/inspector.html", true],
    ["an empty URL", "", true],
  ])("refuses %s without calling the service", async (_what, senderUrl, isMainFrame) => {
    const { result, calls } = invoke({ label: "root" }, { senderUrl, isMainFrame });
    expect(await result).toEqual({
      ok: false,
      error: {
        name: "ForbiddenSenderError",
        code: "FORBIDDEN_SENDER",
        message: "This request did not come from the Ceremony Workstation window and was refused.",
        advice: "stop",
        adviceText: ADVICE_TEXT.stop,
      },
    });
    expect(calls).toEqual([]);
  });

  it("accepts the witness view, which is the same page on a hash route", async () => {
    const { result } = invoke({ label: "root" }, { senderUrl: "app://ceremony/index.html#/witness" });
    expect((await result).ok).toBe(true);
  });
});

describe("handleInvocation: channels", () => {
  it.each(["hsm:format", "__proto__", "constructor", "toString", "hasOwnProperty", ""])("refuses the unknown channel %j", async (channel) => {
    const { result, calls } = invoke({ label: "root" }, { channel });
    expect(await result).toMatchObject({ ok: false, error: { name: "UnknownChannelError", code: "UNKNOWN_CHANNEL" } });
    expect(calls).toEqual([]);
  });
});

describe("handleInvocation: malformed requests", () => {
  const cyclic: Record<string, unknown> = { label: "root" };
  cyclic.self = cyclic;

  it.each([
    ["no argument", undefined],
    ["null", null],
    ["a string", "root"],
    ["an array", [{ label: "root" }]],
    ["a missing field", {}],
    ["a wrong type", { label: 7 }],
    ["a value out of range", { label: "x".repeat(33) }],
    ["an unknown key", { label: "root", extractable: true }],
    ["a prototype key", JSON.parse('{"label": "root", "__proto__": {"admin": true}}')],
    ["a cyclic object", cyclic],
    ["a BigInt", { label: "root", serial: 1n }],
  ])("refuses %s without calling the service", async (_what, rawArg) => {
    const { result, calls } = invoke(rawArg);
    const answer = await result;
    expect(answer).toMatchObject({ ok: false, error: { name: "InvalidRequestError", code: "INVALID_REQUEST" } });
    expect(calls).toEqual([]);
  });

  it("names the field that is wrong", async () => {
    const answer = await invoke({ label: 7 }).result;
    expect(answer.ok === false && answer.error.message).toMatch(/^The request for "key:label" is not valid: label: .*expected string/);
  });

  it("refuses unknown keys even where the contract entry is not strict", async () => {
    const { result, calls } = invoke({ min: 1, max: 2 }, { channel: "key:count", answer: () => 3 });
    expect(await result).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    expect(calls).toEqual([]);
  });

  it("refuses a request over the size cap before parsing it", async () => {
    const { result, calls } = invoke({ label: "x".repeat(MAX_REQUEST_BYTES) });
    expect(await result).toMatchObject({ ok: false, error: { name: "RequestTooLargeError", code: "REQUEST_TOO_LARGE" } });
    expect(calls).toEqual([]);
  });
});

describe("handleInvocation: errors from the core", () => {
  it("passes a CeremonyError on as exactly its name, code, message and the code's advice kind with its sentence", async () => {
    const thrown = new HsmLockedError("CKR_PIN_LOCKED", "The user PIN is locked. Stop; the security officer unlocks it.", { cause: new Error("C_Login") });
    const answer = await invoke({ label: "root" }, { answer: () => { throw thrown; } }).result;
    expect(answer).toEqual({
      ok: false,
      error: { name: "HsmLockedError", code: "CKR_PIN_LOCKED", message: "The user PIN is locked. Stop; the security officer unlocks it.", advice: "stop", adviceText: ADVICE_TEXT.stop },
    });
    expect(answer.ok === false && Object.keys(answer.error)).toEqual(["name", "code", "message", "advice", "adviceText"]);
    expect(answer.ok === false && ApiError.strict().parse(answer.error)).toBeTruthy();
  });

  it("keeps the advice a CeremonyError carries (the HSM worker's), and gives its own refusals the registry's", async () => {
    const thrown = new CeremonyError("CKR_GENERAL_ERROR", "The HSM failed.", { advice: "choose-another" });
    expect(await invoke({ label: "root" }, { answer: () => { throw thrown; } }).result).toMatchObject({ ok: false, error: { advice: "choose-another", adviceText: ADVICE_TEXT["choose-another"] } });
    expect(await invoke({ label: "x".repeat(MAX_REQUEST_BYTES) }).result).toMatchObject({ ok: false, error: { code: "REQUEST_TOO_LARGE", advice: "stop" } });
  });

  it("turns any other error into INTERNAL with a generic message, and logs the original in main", async () => {
    const thrown = new TypeError("Cannot read properties of undefined (reading 'wrap') at /opt/ceremony/src/escrow/wrap.ts:41");
    const { result, logged } = invoke({ label: "root" }, { answer: () => { throw thrown; } });
    const answer = await result;
    // A stop: nothing says that trying again would help, and the message does not suggest it.
    expect(answer).toMatchObject({ ok: false, error: { name: "InternalError", code: "INTERNAL", advice: "stop" } });
    expect(answer.ok === false && answer.error.message).not.toMatch(/\b(retry|try .* again)\b/i);
    const text = JSON.stringify(answer);
    expect(text).not.toContain("wrap");
    expect(text).not.toContain("/opt/ceremony");
    expect(text).not.toContain("stack");
    expect(logged).toEqual([thrown]);
  });

  it("treats a thrown non-error value the same way", async () => {
    const answer = await invoke({ label: "root" }, { answer: () => { throw "PIN 123456 rejected"; } }).result;
    expect(answer).toMatchObject({ ok: false, error: { code: "INTERNAL" } });
    expect(JSON.stringify(answer)).not.toContain("123456");
  });

  it("refuses an answer that does not match the contract, without showing it", async () => {
    const { result, logged } = invoke({ label: "root" }, { answer: () => ({ label: "root", kcv: 0xf29000 }) });
    const answer = await result;
    expect(answer).toMatchObject({ ok: false, error: { name: "InternalError", code: "INVALID_RESPONSE" } });
    expect(JSON.stringify(answer)).not.toContain(String(0xf29000));
    expect(logged).toHaveLength(1);
  });

  it("returns only plain data, which structured clone copies unchanged", async () => {
    const answer = await invoke({ label: "root" }, { answer: () => { throw new CeremonyError("INTERNAL", "y"); } }).result;
    expect(structuredClone(answer)).toEqual(answer);
  });
});

describe("handleInvocation over the real contract", () => {
  const everyChannel = Object.keys(contract) as Array<keyof typeof contract>;

  it.each(everyChannel)("%s refuses a request with an unknown key", async (channel) => {
    let called = false;
    const service = Object.fromEntries(everyChannel.map((c) => [c, async () => { called = true; }])) as unknown as ServiceFor<typeof contract>;
    const answer = await handleInvocation(contract, service, channel, OUR_PAGE, true, { unexpectedKey: true }, () => {});
    expect(answer).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    expect(called).toBe(false);
  });

  it("does not use the progress channel's name for any entry", () => {
    expect(Object.keys(contract)).not.toContain(PROGRESS_CHANNEL);
  });
});

function invokeEvent(options: { contentsId?: number; frameId?: number | null; mainFrameId?: number; url?: string } = {}): InvokeEventLike {
  const mainFrameId = options.mainFrameId ?? 1;
  const frameId = options.frameId === undefined ? mainFrameId : options.frameId;
  return {
    sender: { id: options.contentsId ?? 7, mainFrame: { frameTreeNodeId: mainFrameId } },
    senderFrame: frameId === null ? null : { url: options.url ?? OUR_PAGE, frameTreeNodeId: frameId },
  };
}

describe("isOurMainFrame", () => {
  const ours = (id: number) => id === 7;

  it("accepts the main frame of one of our windows", () => {
    expect(isOurMainFrame(invokeEvent(), ours)).toBe(true);
  });

  it("refuses a subframe, a destroyed frame, and other webContents", () => {
    expect(isOurMainFrame(invokeEvent({ frameId: 2 }), ours)).toBe(false);
    expect(isOurMainFrame(invokeEvent({ frameId: null }), ours)).toBe(false);
    expect(isOurMainFrame(invokeEvent({ contentsId: 8 }), ours)).toBe(false);
  });
});

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

describe("registerIpcHandlers", () => {
  const setup = () => {
    const ipcMain = new FakeIpcMain();
    const { service, calls } = recordingService();
    const unregister = registerIpcHandlers(ipcMain, testContract, service, (id) => id === 7, () => {});
    return { ipcMain, calls, unregister };
  };

  it("registers one handler per contract entry and removes them all again", () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.handlers.keys()]).toEqual(Object.keys(testContract));
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it("answers our main frame", async () => {
    const { ipcMain, calls } = setup();
    const answer = await ipcMain.handlers.get("key:label")?.(invokeEvent(), { label: "root" });
    expect(answer).toEqual({ ok: true, value: { label: "root", kcv: "F29000" } });
    expect(calls).toHaveLength(1);
  });

  it("refuses a subframe, another webContents and a foreign URL", async () => {
    const { ipcMain, calls } = setup();
    const handler = ipcMain.handlers.get("key:label");
    for (const event of [invokeEvent({ frameId: 3 }), invokeEvent({ contentsId: 99 }), invokeEvent({ url: "https://example.org/" }), invokeEvent({ frameId: null })]) {
      expect(await handler?.(event, { label: "root" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN_SENDER" } });
    }
    expect(calls).toEqual([]);
  });

  it("refuses more than one argument", async () => {
    const { ipcMain, calls } = setup();
    const answer = await ipcMain.handlers.get("key:label")?.(invokeEvent(), { label: "root" }, { label: "other" });
    expect(answer).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    expect(calls).toEqual([]);
  });

  it("registers every channel of the real contract", () => {
    const ipcMain = new FakeIpcMain();
    const service = {} as ServiceFor<typeof contract>;
    registerIpcHandlers(ipcMain, contract, service, () => true);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(contract).sort());
  });
});
