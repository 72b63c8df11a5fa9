/**
 * A terminal where echo cannot be turned off is refused before any question is asked: a PIN
 * typed there would be shown. (The pty test in test/integration/cli/run-pty.test.ts covers a
 * terminal that can.)
 */
import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { terminalPrompter } from "../../../src/cli/prompt.ts";

function fakeTerminal(setRawMode: unknown): NodeJS.ReadStream {
  return Object.assign(new PassThrough(), { isTTY: true, setRawMode }) as unknown as NodeJS.ReadStream;
}

test.each([
  ["has no raw mode", undefined],
  ["refuses raw mode", () => {
    throw new Error("EIO");
  }],
])("a terminal that %s is refused with one sentence saying why", (_what, setRawMode) => {
  expect(() => terminalPrompter(fakeTerminal(setRawMode), new PassThrough() as unknown as NodeJS.WriteStream)).toThrow(
    /^This terminal cannot turn echo off, so PINs and share words typed here would be shown; run the ceremony from a terminal that can/,
  );
});

test("from a pipe, choices are exact: a word that merely starts like a choice is not taken", async () => {
  const input = new PassThrough();
  const prompt = terminalPrompter(input as unknown as NodeJS.ReadStream, new PassThrough() as unknown as NodeJS.WriteStream);
  input.end("again\nABORT\n 2 \n");
  expect(await prompt.choice("? ", ["retry", "abort"])).toBeNull();
  expect(await prompt.choice("? ", ["retry", "abort"])).toBe("abort");
  expect(await prompt.choice("? ", ["1", "2"])).toBe("2");
  await expect(prompt.ask("? ")).rejects.toThrow("input ended before the ceremony did");
  prompt.close();
});
