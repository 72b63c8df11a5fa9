import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../../electron/csp.ts";

const INDEX_HTML = path.resolve(import.meta.dirname, "../../../renderer/index.html");

describe("Content Security Policy", () => {
  it("allows scripts and styles from the app only, images from the app or data:, nothing else", () => {
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:");
  });

  it("never allows inline or evaluated code", () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|nonce-|sha256-|\*|https?:/);
  });

  // The renderer cannot import electron/, so its meta tag is a copy that must not drift.
  it.skipIf(!existsSync(INDEX_HTML))("renderer/index.html carries the same policy in its meta tag", () => {
    const policies = metaTags(readFileSync(INDEX_HTML, "utf8"))
      .filter((attributes) => attributes.get("http-equiv")?.toLowerCase() === "content-security-policy")
      .map((attributes) => attributes.get("content"));
    expect(policies).toEqual([CONTENT_SECURITY_POLICY]);
  });
});

/** The attributes of each <meta> tag, names lower-cased; enough HTML parsing for one hand-written file. */
function metaTags(html: string): Array<Map<string, string>> {
  return [...html.matchAll(/<meta\b([^>]*)>/gi)].map((tag) => {
    const attributes = new Map<string, string>();
    for (const [, name, , value] of (tag[1] ?? "").matchAll(/([\w-]+)\s*=\s*(["'])(.*?)\2/g)) {
      if (name !== undefined && value !== undefined) attributes.set(name.toLowerCase(), value);
    }
    return attributes;
  });
}
