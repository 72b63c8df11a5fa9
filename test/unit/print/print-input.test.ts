import { describe, expect, it } from "vitest";
import {
  PrintInputError,
  renderShareCard,
  renderTranscriptSummary,
  renderWitnessSheet,
  type ShareCardInput,
} from "../../../src/print/index.ts";
import { fakeShareCard, fakeTranscriptSummary, fakeWitnessSheet } from "./print-fixtures.ts";

const TAIL = "; nothing was printed. Correct the value and print again.";

function card(change: (input: ShareCardInput) => void): ShareCardInput {
  const input = structuredClone(fakeShareCard(2));
  change(input);
  return input;
}

describe("share card input checks", () => {
  it.each<[string, (input: ShareCardInput) => void, string]>([
    ["k above n", (i) => (i.share.k = 6), "share.k must not exceed share.n (5), got 6"],
    ["index 0", (i) => (i.share.index = 0), "share.index must be a whole number from 1 to 255"],
    ["index 256", (i) => (i.share.index = 256), "share.index must be a whole number from 1 to 255"],
    ["short KCV-ECB0", (i) => (i.kcvEcb0 = "f290"), "kcvEcb0 must be 6 hex digits, got 4"],
    ["non-hex KCV-CMAC", (i) => (i.kcvCmac = "377822c09z"), "kcvCmac must be hex digits (0-9, A-F)"],
    ["truncated fingerprint", (i) => (i.share.fingerprint = "ab".repeat(31)), "share.fingerprint must be 64 hex digits, got 62"],
    ["odd wrapped key", (i) => (i.wrappedKey.hex = "abc"), "wrappedKey.hex must have an even number of hex digits"],
    ["no words", (i) => (i.share.words = []), "share.words must list at least 1 item(s)"],
    ["two words in one", (i) => (i.share.words = ["abandon ability"]), "share.words[0] must be a single word without spaces"],
    ["empty word", (i) => (i.share.words = ["abandon", ""]), "share.words[1] must be non-empty text"],
    ["word the font lacks", (i) => (i.share.words = ["あいこくしん"]), "share.words[0] has characters the card's font cannot print"],
    ["over-long word", (i) => (i.share.words = ["a".repeat(41)]), "share.words[0] must be at most 40 characters"],
    ["empty holder name", (i) => (i.holder.name = "  "), "holder.name must be non-empty text"],
    ["bad date", (i) => (i.ceremonyDate = "3 June 2025"), "ceremonyDate must be an ISO-8601 date such as 2025-06-01T09:30:00Z"],
    ["bad signer", (i) => (i.bundleSigner = { fingerprint: "00" }), "bundleSigner.fingerprint must be 64 hex digits, got 2"],
  ])("rejects %s", async (_, change, message) => {
    const promise = renderShareCard(card(change));
    await expect(promise).rejects.toBeInstanceOf(PrintInputError);
    await expect(promise).rejects.toThrow(message + TAIL);
    await expect(promise).rejects.toMatchObject({ code: "PRINT_INPUT_INVALID" });
  });

  it("rejects a QR text no QR code can hold, naming the field", async () => {
    // 2000 two-byte UTF-8 characters are 4000 bytes; a version-40 M symbol holds 2331.
    await expect(renderShareCard(card((i) => (i.share.qrText = "é".repeat(2000))))).rejects.toThrow(
      /^share\.qrText cannot be encoded as a QR code \(.+\); nothing was printed/,
    );
  });
});

describe("witness sheet and summary input checks", () => {
  it("rejects a step witnessed by someone who is not a participant", async () => {
    const input = fakeWitnessSheet();
    const steps = input.steps.map((s, i) => (i === 2 ? { ...s, witnessIds: ["witness-1", "nobody"] } : s));
    await expect(renderWitnessSheet({ ...input, steps })).rejects.toThrow(
      `steps[2].witnessIds[1] names "nobody", who is not among the participants${TAIL}`,
    );
  });

  it("rejects two participants with one id", async () => {
    const input = fakeWitnessSheet();
    const participants = [...input.participants, { ...input.participants[0]!, name: "Someone Else" }];
    await expect(renderWitnessSheet({ ...input, participants })).rejects.toThrow(`participants[5].id repeats "officer"${TAIL}`);
  });

  it("rejects a checkpoint head that is not a SHA-256", async () => {
    const input = fakeWitnessSheet();
    await expect(renderWitnessSheet({ ...input, checkpoint: { ...input.checkpoint, head: "00" } })).rejects.toThrow(
      `checkpoint.head must be 64 hex digits, got 2${TAIL}`,
    );
  });

  it("requires a reason for an aborted ceremony", async () => {
    const input = fakeTranscriptSummary({ aborted: true });
    await expect(renderTranscriptSummary({ ...input, abortReason: undefined })).rejects.toThrow(`abortReason must be non-empty text${TAIL}`);
  });

  it("rejects an unknown step outcome", async () => {
    const input = fakeTranscriptSummary();
    const steps = input.steps.map((s, i) => (i === 1 ? { ...s, outcome: "skipped" as never } : s));
    await expect(renderTranscriptSummary({ ...input, steps })).rejects.toThrow(
      `steps[1].outcome must be one of completed, failed, not-run${TAIL}`,
    );
  });
});
