/** What the PKI actions share: the signer on the token, files on removable media, artifacts. */
import { createHash } from "node:crypto";
import { z } from "zod";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { CeremonyError } from "../../errors.ts";
import { HsmSigner } from "../../hsm/index.ts";
import type { LintResult } from "../../pki/index.ts";
import { derToPem, pemToDer, wholeSeconds, type PemLabel } from "../../pki/index.ts";
import type { ActionContext, Artifact } from "../action-api.ts";

export class PkiActionError extends CeremonyError {}

/** A name that becomes a bundle file name (certs/NAME.pem, crl/NAME.crl, csr/NAME.csr). */
export const FileLabel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be letters, digits, dot, dash or underscore");

export async function signerFor(ctx: ActionContext, keyLabel: string): Promise<HsmSigner> {
  return HsmSigner.forLabel(ctx.hsm(), keyLabel);
}

/** Reads a certificate (PEM or DER) from a path the script names, relative to the script's folder. */
export async function readCertificateFile(ctx: ActionContext, path: string): Promise<Buffer> {
  const full = isAbsolute(path) ? path : resolve(ctx.scriptDir, path);
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch (e) {
    throw new PkiActionError("FILE_UNREADABLE", `Cannot read ${full} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the removable media and the path.`);
  }
  const text = bytes.toString("latin1");
  if (text.includes("-----BEGIN")) return pemToDer(text, ["CERTIFICATE"]);
  return bytes;
}

export function artifact(path: string, der: Buffer, kind: Artifact["kind"], label: string, details: Record<string, string>, pemType?: PemLabel): Artifact {
  const bytes = pemType ? Buffer.from(derToPem(der, pemType)) : der;
  return { path, base64: bytes.toString("base64"), sha256: createHash("sha256").update(bytes).digest("hex"), kind, label, details };
}

/** Lint outcomes for the journal: the failures and warnings by id, and what was skipped. */
export function recordLints(ctx: ActionContext, what: string, results: readonly LintResult[], skipped: readonly string[]): void {
  ctx.record("pki.linted", {
    stepIndex: ctx.stepIndex,
    what,
    checked: results.filter((r) => r.status !== "skipped").length,
    notPassed: results.filter((r) => r.status !== "pass" && r.status !== "skipped" && r.status !== "not_applicable").map((r) => `${r.id}: ${r.status}`),
    skipped: [...skipped],
  });
}

export function nowSeconds(ctx: ActionContext): Date {
  return wholeSeconds(ctx.now());
}

export function addYears(d: Date, years: number): Date {
  const x = new Date(d.getTime());
  x.setUTCFullYear(x.getUTCFullYear() + years);
  return x;
}

/**
 * The SPKI SHA-256 of a key this journal knows (the newest with that label), for a preview made
 * before the HSM is touched; the action checks the HSM's key against it before signing.
 */
export function spkiOfKey(ctx: ActionContext, keyLabel: string): string {
  const key = ctx.inventory.listKeys().filter((k) => k.label === keyLabel && k.spkiSha256 && !k.destroyedAt).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return key?.spkiSha256 ?? `not in this workstation's inventory: read from the HSM key ${keyLabel} when it signs`;
}
