import { describe, expect, it } from "vitest";
import { formatHexGroups, pgpWords } from "../../src/common/index.ts";
import { renderTranscriptSummary } from "../../src/print/index.ts";
import { fakeTranscriptSummary } from "../unit/print/print-fixtures.ts";
import { boxesOutside, flatText, overlappingWords, pageCount, pdfText, wordBoxes } from "./print-tools.ts";

/** Hex groups as printed: the line break between balanced lines reads as one space. */
const groups = (hex: string): string => formatHexGroups(hex);

describe("transcript summary", () => {
  it("carries the checkpoint, the signer fingerprint and how to verify", async () => {
    const input = fakeTranscriptSummary();
    const pdf = await renderTranscriptSummary(input);
    const flat = flatText(pdf);
    expect(flat).toContain("Status: COMPLETED");
    expect(flat).toContain(groups(input.checkpoint.head));
    expect(flat).toContain(`EVENTS journal records, seq 0 to count-1 ${input.checkpoint.eventCount}`);
    expect(flat).toContain(groups(input.transcriptSigner.spkiSha256));
    expect(flat).toContain(pgpWords(input.transcriptSigner.spkiSha256).join(" "));
    expect(flat).toContain("ceremony verify BUNDLE");
    expect(flat).toContain("docs/verify-with-openssl.md");
  });

  it("lists script, host, HSM, steps with performer and attesters, and every output", async () => {
    const input = fakeTranscriptSummary();
    const flat = flatText(await renderTranscriptSummary(input));
    expect(flat).toContain(input.script.id);
    expect(flat).toContain(groups(input.script.sha256));
    expect(flat).toContain(input.host.hostname);
    expect(flat).toContain(input.hsm.serial);
    expect(flat).toContain(input.hsm.tokenLabel);
    for (const step of input.steps) expect(flat).toContain(step.title);
    expect(flat).toContain("Margaret O'Sullivan-Hargreaves, Kwame Mensah");
    expect(flat).toContain("09:00:05 to 09:07:41");
    const [cert] = input.outputs.certificates;
    expect(flat).toContain(cert?.subject);
    expect(flat).toContain(groups(cert?.sha256 ?? ""));
    expect(flat).toContain("F290 00");
    expect(flat).toContain("3778 22C0 93");
    expect(flat).toContain(groups(input.outputs.wrappedKeys[0]?.sha256 ?? ""));
    for (const share of input.outputs.shares) expect(flat).toContain(groups(share.fingerprint));
  });

  it("states an abort and its reason, and the steps that did not run", async () => {
    const input = fakeTranscriptSummary({ aborted: true, rehearsal: true });
    const pdf = await renderTranscriptSummary(input);
    const flat = flatText(pdf);
    expect(flat).toContain("Status: ABORTED");
    expect(flat).toContain(`Reason: ${input.abortReason}`);
    expect(flat).toMatch(/10 Seal each card .* failed/);
    expect(flat).toContain("not-run");
    for (let page = 1; page <= pageCount(pdf); page++) {
      expect(pdfText(pdf, "raw", page)).toContain("REHEARSAL — NOT A REAL CEREMONY");
    }
  });

  it("keeps every page's text inside the margins without collisions", async () => {
    for (const input of [fakeTranscriptSummary(), fakeTranscriptSummary({ aborted: true, rehearsal: true })]) {
      const boxes = wordBoxes(await renderTranscriptSummary(input));
      expect(boxesOutside(boxes)).toEqual([]);
      expect(overlappingWords(boxes)).toEqual([]);
    }
  });
});
