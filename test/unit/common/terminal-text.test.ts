/**
 * Terminal lines within 100 columns, broken only at spaces: a fingerprint continues on the next
 * line at a group boundary, a PGP word stays whole, a value with a run of spaces keeps it.
 */
import { describe, expect, it } from "vitest";
import { fitLine, formatFingerprint, labelledLines, outputTextLines, TERMINAL_WIDTH, wrapWords } from "../../../src/common/index.ts";

const FP = "3f9a81c0d2e41b77aa0011223344556677889900aabbccddeeff001122334455";

describe("terminal text", () => {
  it("keeps a line that fits and wraps one that does not, continuation indented two more", () => {
    expect(fitLine("  short line")).toEqual(["  short line"]);
    const long = `  FAILED: ${"word ".repeat(30).trim()}`;
    const lines = fitLine(long);
    expect(lines.length).toBe(2);
    expect(lines.every((l) => l.length <= TERMINAL_WIDTH)).toBe(true);
    expect(lines[1]!.startsWith("    word")).toBe(true);
    expect(lines.join(" ").replace(/\s+/g, " ").trim()).toBe(long.trim());
  });

  it("breaks a fingerprint only between groups of four", () => {
    const lines = fitLine(`Journal checkpoint: 60 events, head ${formatFingerprint(FP)}`);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.trim().split(" ").slice(-1)[0]).toMatch(/^[0-9A-F]{4}$/);
    expect(lines.join(" ")).toContain("3F9A 81C0");
  });

  it("puts a value that does not fit beside its label on its own line", () => {
    expect(labelledLines("  ", "Token serial", "918046a03334d615")).toEqual(["  Token serial: 918046a03334d615"]);
    expect(labelledLines("  ", "Transcript-signing key SPKI SHA-256", formatFingerprint(FP))).toEqual([
      "  Transcript-signing key SPKI SHA-256:",
      `      ${formatFingerprint(FP)}`,
    ]);
  });

  it("prints a fingerprint output with its PGP words eight to a line, each line within 100 columns", () => {
    const lines = outputTextLines({ label: "Certificate SHA-256", kind: "fingerprint", value: FP }, "  ");
    expect(lines[0]).toBe("  Certificate SHA-256:");
    expect(lines[1]).toBe(`      ${formatFingerprint(FP)}`);
    expect(lines.slice(2)).toHaveLength(4);
    expect(lines.every((l) => l.length <= TERMINAL_WIDTH)).toBe(true);
  });

  it("keeps a run of spaces inside a value and a word longer than the line whole", () => {
    expect(wrapWords('token "ceremony-tpm" (IBM SW   TPM)', "", "", 20)).toEqual(['token "ceremony-tpm"', "(IBM SW   TPM)"]);
    const path = `/media/usb/${"x".repeat(120)}`;
    expect(fitLine(`Bundle ${path} written.`)).toEqual(["Bundle", `  ${path}`, "  written."]);
  });
});
