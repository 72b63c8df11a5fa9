import { describe, expect, it } from "vitest";
import { winAnsi } from "../../../src/print/win-ansi.ts";

describe("winAnsi", () => {
  it.each([
    ["Émile Zoë Durand", "Émile Zoë Durand"],
    ["Bjørn Œuvre Škoda", "Bjørn Œuvre Škoda"],
    ["Share 2 of 5 — 3 needed…", "Share 2 of 5 — 3 needed…"],
    ["Łukasz Wałęsa", "Lukasz Walesa"],
    ["Tomasz Wiśniewski", "Tomasz Wisniewski"],
    ["Đorđe Nguyễn", "Dorde Nguyen"],
    ["Ж 東京", "? ??"],
    ["tab\there\nnewline", "tab here newline"],
  ])("prints %j as %j", (input, printed) => {
    expect(winAnsi(input)).toBe(printed);
  });

  it("keeps decomposed accents that WinAnsi has, by composing them first", () => {
    expect(winAnsi("Zoe\u0308")).toBe("Zoë");
  });
});
