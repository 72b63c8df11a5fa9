import { describe, expect, it } from "vitest";
import { PROGRESS_CHANNEL } from "../../../electron/channels.ts";
import { forwardProgress, type ProgressTarget } from "../../../electron/progress.ts";

class FakeTarget implements ProgressTarget {
  readonly sent: Array<[string, unknown]> = [];
  constructor(private readonly destroyed = false) {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
}

describe("forwardProgress", () => {
  it("sends a valid event to every open window on the progress channel", () => {
    const officer = new FakeTarget();
    const witness = new FakeTarget();
    const closed = new FakeTarget(true);
    const event = { kind: "journal-head", detail: "3fa9c2e1" };
    expect(forwardProgress([officer, witness, closed], event)).toBe(true);
    expect(officer.sent).toEqual([[PROGRESS_CHANNEL, event]]);
    expect(witness.sent).toEqual([[PROGRESS_CHANNEL, event]]);
    expect(closed.sent).toEqual([]);
  });

  it("sends only the fields the contract declares", () => {
    const target = new FakeTarget();
    forwardProgress([target], { kind: "hsm-busy", operation: "login", pin: "123456" });
    expect(target.sent).toEqual([[PROGRESS_CHANNEL, { kind: "hsm-busy", operation: "login" }]]);
  });

  it("drops an event the contract does not allow, without throwing into the core", () => {
    const target = new FakeTarget();
    expect(forwardProgress([target], { kind: "key-material", detail: "00010203" })).toBe(false);
    expect(forwardProgress([target], undefined)).toBe(false);
    expect(target.sent).toEqual([]);
  });
});
