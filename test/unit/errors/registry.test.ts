/**
 * The error registry is the one list of codes: every code the sources raise is in it with its
 * class, every entry is raised somewhere, docs/errors.md is the registry rendered, and no advice
 * that cannot help says "Retry".
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";
import { renderErrorsDoc } from "../../../src/errors/errors-doc.ts";
import { ERROR_REGISTRY, ERROR_TABLES, isErrorCode, type ErrorEntry } from "../../../src/errors/registry.ts";
import { adviceFor, toHsmError } from "../../../src/hsm/errors.ts";

const ROOT = join(import.meta.dirname, "../../..");

function sources(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const full = join(ROOT, dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(relative(ROOT, full)));
    else if (/\.tsx?$/.test(name)) out.push({ path: relative(ROOT, full), text: readFileSync(full, "utf8") });
  }
  return out;
}

const CODE = String.raw`"([A-Z][A-Z0-9_]{2,})"`;
const ALL = [...sources("src"), ...sources("electron"), ...sources("renderer/src")].filter((f) => !f.path.startsWith("src/errors/"));

/** Every place the sources name an error code, with the class that raises it when the site shows it. */
function codeSites(): Array<{ code: string; cls: string | null; where: string }> {
  const sites: Array<{ code: string; cls: string | null; where: string }> = [];
  for (const { path, text } of ALL) {
    const at = (index: number) => `${path}:${text.slice(0, index).split("\n").length}`;
    for (const m of text.matchAll(new RegExp(String.raw`new (\w+Error)\(\s*${CODE}`, "g"))) sites.push({ code: m[2]!, cls: m[1]!, where: at(m.index) });
    for (const m of text.matchAll(new RegExp(String.raw`super\(\s*${CODE}`, "g"))) {
      const cls = [...text.slice(0, m.index).matchAll(/class (\w+)/g)].at(-1)?.[1] ?? null;
      sites.push({ code: m[1]!, cls, where: at(m.index) });
    }
    for (const m of text.matchAll(new RegExp(String.raw`new (\w+Error)\(\s*[^,()]+\?\s*${CODE}\s*:\s*${CODE}`, "g"))) {
      sites.push({ code: m[2]!, cls: m[1]!, where: at(m.index) }, { code: m[3]!, cls: m[1]!, where: at(m.index) });
    }
    for (const m of text.matchAll(new RegExp(String.raw`\bcode:\s*${CODE}`, "g"))) sites.push({ code: m[1]!, cls: null, where: at(m.index) });
    for (const m of text.matchAll(new RegExp(String.raw`\bfailure\((?:\s*"\w+",)?\s*${CODE}`, "g"))) sites.push({ code: m[1]!, cls: null, where: at(m.index) });
    for (const m of text.matchAll(/"(CKR_[A-Z0-9_]+)"/g)) sites.push({ code: m[1]!, cls: null, where: at(m.index) });
  }
  return sites;
}

test("every code the sources raise is registered, with the class that raises it", () => {
  const sites = codeSites();
  expect(sites.length).toBeGreaterThan(150);
  const unlisted = sites.filter((s) => !isErrorCode(s.code)).map((s) => `${s.code} at ${s.where}`);
  expect(unlisted).toEqual([]);
  const wrongClass = sites
    .filter((s) => s.cls !== null && isErrorCode(s.code) && !(ERROR_REGISTRY[s.code] as ErrorEntry).classes.includes(s.cls))
    .map((s) => `${s.code} raised by ${s.cls} at ${s.where}`);
  expect(wrongClass).toEqual([]);
});

test("the code unions of the PKI and verify layers name only registered codes", () => {
  for (const path of ["src/pki/errors.ts", "src/transcript/failures.ts"]) {
    const text = readFileSync(join(ROOT, path), "utf8");
    const codes = [...text.matchAll(new RegExp(String.raw`\|\s*${CODE}`, "g"))].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter((c) => !isErrorCode(c))).toEqual([]);
  }
});

test("every registered code is raised somewhere (the PKCS#11 codes come from the HSM)", () => {
  const named = new Set(codeSites().map((s) => s.code));
  const unionText = ["src/pki/errors.ts", "src/transcript/failures.ts"].map((p) => readFileSync(join(ROOT, p), "utf8")).join("\n");
  const unused = Object.keys(ERROR_REGISTRY).filter((c) => !c.startsWith("CKR_") && !named.has(c) && !unionText.includes(`"${c}"`) && !ALL.some((f) => f.text.includes(`"${c}"`)));
  expect(unused).toEqual([]);
});

test("each code is declared in one table only", () => {
  const seen = new Map<string, string>();
  const twice: string[] = [];
  for (const table of ERROR_TABLES) {
    for (const code of Object.keys(table.codes)) {
      if (seen.has(code)) twice.push(`${code}: ${seen.get(code)} and ${table.title}`);
      seen.set(code, table.title);
    }
  }
  expect(twice).toEqual([]);
});

test("advice that cannot help never tells the officer to retry", () => {
  const saysRetry = /\bretry\b/i;
  const wrong: string[] = [];
  for (const [code, e] of Object.entries(ERROR_REGISTRY) as Array<[string, ErrorEntry]>) {
    if (e.advice !== "retry" && saysRetry.test(e.officer)) wrong.push(code);
  }
  expect(wrong).toEqual([]);
});

test.each([
  ["CKR_MECHANISM_INVALID", "C_GenerateKeyPair"],
  ["CKR_TEMPLATE_INCONSISTENT", "C_GenerateKeyPair"],
  ["CKR_ATTRIBUTE_VALUE_INVALID", "C_GenerateKey"],
  ["CKR_KEY_SIZE_RANGE", "C_GenerateKeyPair"],
  ["CKR_FUNCTION_NOT_SUPPORTED", "C_CreateObject"],
  ["CKR_DOMAIN_PARAMS_INVALID", "C_GenerateKeyPair"],
])("%s from %s is a capability error: choose another, and no Retry in the message", (code, method) => {
  // The way pkcs11js reports it: "CKR_NAME:value".
  const error = toHsmError(new Error(`${code}:0`), method);
  expect(error.code).toBe(code);
  expect(error.advice).toBe("choose-another");
  expect(error.message).not.toMatch(/\bretry\b/i);
  expect(error.message).toContain(`(${code} from ${method})`);
});

test("a device that went away says Retry; a general error (a vanished token, or a refused template) says when to stop retrying", () => {
  expect(toHsmError(new Error("CKR_DEVICE_REMOVED:50"), "C_Sign")).toMatchObject({ advice: "retry", message: expect.stringContaining("choose Retry") });
  expect(toHsmError(new Error("CKR_GENERAL_ERROR:5"), "C_GenerateKeyPair")).toMatchObject({ advice: "retry" });
  expect(adviceFor("CKR_GENERAL_ERROR")).toMatch(/if the same error comes again, this HSM cannot do the step: abort/);
});

test("an HSM code with no entry is reported under its own name, advised to stop", () => {
  const error = toHsmError(new Error("CKR_VENDOR_DEFINED:2147483648"), "C_Sign");
  expect(error.code).toBe("CKR_VENDOR_DEFINED");
  expect(error.advice).toBe("stop");
  expect(error.message).not.toMatch(/\bretry\b/i);
});

test("docs/errors.md is the registry rendered (npm run docs:errors writes it)", () => {
  expect(readFileSync(join(ROOT, "docs/errors.md"), "utf8")).toBe(renderErrorsDoc());
});

test("no action throws a bare Error: each names a registered code", () => {
  const bare = sources("src/ceremony/actions").filter((f) => /throw new Error\(/.test(f.text)).map((f) => f.path);
  expect(bare).toEqual([]);
});
