/**
 * Links between bundles, checked when the auditor gives both ends (`ceremony verify A B …`):
 * - a recovery names the master-key bundle it recovered from (recovery.source: its ceremony,
 *   signer, wrapped key, card set and KCVs) — that bundle must say the same;
 * - a re-escrow names the bundle whose card set it replaced (escrow.previous.checked), likewise;
 * - a destruction names the bundles it read and the ceremony that split each escrow set it
 *   lists — those bundles must have that signer, that card set and that wrapped key;
 * - an intermediate or CRL bundle carries the issuer's certificate it was made with (role
 *   "issuer") — the bundle that made that certificate must hold the same bytes.
 * Each bundle passed here has verified on its own; a link only compares what both signed.
 */
import { type VerifyFailure, failure } from "./failures.ts";
import type { Transcript } from "./types.ts";

export interface LinkedBundle {
  path: string;
  transcript: Transcript;
  signerSpkiSha256: string;
}

export interface LinkResult {
  failures: VerifyFailure[];
  /** Sentences naming each link that was checked and held. */
  checked: string[];
}

function checkRecovery(b: LinkedBundle, byCeremony: ReadonlyMap<string, LinkedBundle>, r: LinkResult): void {
  for (const e of b.transcript.events) {
    if (e.type !== "recovery.source") continue;
    const src = e.body as Record<string, unknown>;
    const origin = byCeremony.get(String(src.bundleCeremonyId));
    if (!origin) continue;
    const label = String(src.keyLabel);
    const outputs = origin.transcript.outputs;
    const wrapped = outputs.find((o) => o.kind === "wrapped-key" && o.label === label);
    const shares = outputs.find((o) => o.kind === "share-fingerprints" && o.label === label);
    const kcv = outputs.find((o) => o.kind === "kcv" && o.label === label && o.details.kcvCmac !== undefined);
    const problems: string[] = [];
    if (origin.signerSpkiSha256 !== src.bundleSignerSpkiSha256) problems.push(`was signed by ${origin.signerSpkiSha256}, the recovery recorded ${String(src.bundleSignerSpkiSha256)}`);
    if (!wrapped) problems.push(`holds no wrapped key ${label}`);
    else if (wrapped.sha256 !== src.wrappedSha256) problems.push(`holds wrapped key ${label} with SHA-256 ${wrapped.sha256}, the recovery used ${String(src.wrappedSha256)}`);
    if (shares && shares.details.setId !== src.setId) problems.push(`escrowed ${label} to card set ${shares.details.setId}, the recovery used set ${String(src.setId)}`);
    if (kcv && (kcv.details.kcvEcb0 !== src.kcvEcb0 || kcv.details.kcvCmac !== src.kcvCmac)) {
      problems.push(`recorded KCVs ${kcv.details.kcvEcb0} / ${kcv.details.kcvCmac}, the recovery ${String(src.kcvEcb0)} / ${String(src.kcvCmac)}`);
    }
    for (const p of problems) r.failures.push(failure("LINK_MISMATCH", `recovery of ${label} from ${origin.path}: that bundle ${p}`));
    if (problems.length === 0) r.checked.push(`recovery of ${label} ← ${origin.path} (signer, wrapped key, card set, KCVs)`);
  }
}

/**
 * A re-escrow names the bundle whose card set it replaced (escrow.previous.checked): that bundle
 * must have signed the same signer, set, wrapped key and KCVs.
 */
function checkReEscrow(b: LinkedBundle, byCeremony: ReadonlyMap<string, LinkedBundle>, r: LinkResult): void {
  for (const e of b.transcript.events) {
    if (e.type !== "escrow.previous.checked") continue;
    const src = e.body as Record<string, unknown>;
    const origin = src.bundleCeremonyId === null ? undefined : byCeremony.get(String(src.bundleCeremonyId));
    if (!origin) continue;
    const label = String(src.keyLabel);
    const outputs = origin.transcript.outputs;
    const wrapped = outputs.find((o) => o.kind === "wrapped-key" && o.label === label);
    const shares = outputs.find((o) => o.kind === "share-fingerprints" && o.label === label);
    const kcv = outputs.find((o) => o.kind === "kcv" && o.label === label && o.details.kcvCmac !== undefined);
    const problems: string[] = [];
    if (origin.signerSpkiSha256 !== src.bundleSignerSpkiSha256) problems.push(`was signed by ${origin.signerSpkiSha256}, the re-escrow recorded ${String(src.bundleSignerSpkiSha256)}`);
    if (!wrapped || wrapped.sha256 !== src.wrappedSha256) problems.push(`holds ${wrapped ? `wrapped key ${label} with SHA-256 ${wrapped.sha256}` : `no wrapped key ${label}`}, the re-escrow replaced ${String(src.wrappedSha256)}`);
    if (!shares || shares.details.setId?.toLowerCase() !== String(src.setId).toLowerCase()) problems.push(`escrowed ${label} to card set ${shares?.details.setId ?? "(none)"}, the re-escrow replaced set ${String(src.setId)}`);
    if (kcv && (kcv.details.kcvEcb0?.toUpperCase() !== String(src.kcvEcb0).toUpperCase() || kcv.details.kcvCmac?.toUpperCase() !== String(src.kcvCmac).toUpperCase())) {
      problems.push(`recorded KCVs ${kcv.details.kcvEcb0} / ${kcv.details.kcvCmac}, the re-escrow ${String(src.kcvEcb0)} / ${String(src.kcvCmac)}`);
    }
    for (const p of problems) r.failures.push(failure("LINK_MISMATCH", `re-escrow of ${label} from ${origin.path}: that bundle ${p}`));
    if (problems.length === 0) r.checked.push(`re-escrow of ${label} ← ${origin.path} (signer, card set, wrapped key, KCVs)`);
  }
}

/**
 * A destruction lists the key's copies (key.copies.listed), naming the bundles it read and, for
 * each escrow set, the ceremony that split it: each of those bundles given must have the signer
 * recorded, and the set its split recorded — the same cards (number and share fingerprint) and
 * wrapped key.
 */
function checkDestruction(b: LinkedBundle, byCeremony: ReadonlyMap<string, LinkedBundle>, r: LinkResult): void {
  for (const e of b.transcript.events) {
    if (e.type !== "key.copies.listed") continue;
    const { label, copies, bundles } = e.body;
    for (const src of bundles) {
      const origin = byCeremony.get(src.ceremonyId);
      if (!origin) continue;
      if (origin.signerSpkiSha256 !== src.signerSpkiSha256) {
        r.failures.push(failure("LINK_MISMATCH", `copies of ${label} read from ${origin.path}: that bundle was signed by ${origin.signerSpkiSha256}, the destruction recorded ${src.signerSpkiSha256}`));
      }
    }
    for (const blob of copies) {
      if (blob.kind !== "wrapped-key") continue;
      const origin = byCeremony.get(blob.ceremonyId);
      if (!origin) continue;
      const setId = blob.setId.toLowerCase();
      const split = origin.transcript.events.find((x) => x.type === "escrow.split" && x.body.setId.toLowerCase() === setId);
      const problems: string[] = [];
      if (split?.type !== "escrow.split") problems.push(`split no card set ${setId}`);
      else {
        if (split.body.wrappedSha256 !== blob.sha256) problems.push(`wrapped ${label} to SHA-256 ${split.body.wrappedSha256}, the destruction listed ${blob.sha256}`);
        for (const card of copies) {
          if (card.kind !== "card" || card.setId.toLowerCase() !== setId) continue;
          const printed = split.body.cards.find((c) => c.card === card.card);
          if (printed?.fingerprint !== card.fingerprint) problems.push(`printed card ${card.card} of set ${setId} with share fingerprint ${printed?.fingerprint ?? "(no such card)"}, the destruction listed ${card.fingerprint}`);
        }
      }
      for (const p of problems) r.failures.push(failure("LINK_MISMATCH", `copies of ${label} in ${origin.path}: that bundle ${p}`));
      if (problems.length === 0) r.checked.push(`copies of ${label} ← ${origin.path} (card set ${setId}, wrapped key)`);
    }
  }
}

function checkIssuers(b: LinkedBundle, others: readonly LinkedBundle[], r: LinkResult): void {
  for (const input of b.transcript.outputs) {
    if (input.kind !== "certificate" || !input.details.role?.startsWith("issuer")) continue;
    for (const other of others) {
      if (other === b) continue;
      const made = other.transcript.outputs.find((o) => o.kind === "certificate" && !o.details.role && o.label === input.label && o.details.subject === input.details.subject);
      if (!made) continue;
      if (made.sha256 !== input.sha256) {
        r.failures.push(failure("LINK_MISMATCH", `issuer certificate ${input.label}: ${b.path} used one with SHA-256 ${input.sha256}, but ${other.path} made ${made.sha256}`));
      } else {
        r.checked.push(`issuer ${input.label} ← ${other.path}`);
      }
    }
  }
}

/** Link failures and checked links per bundle path. */
export function checkLinks(bundles: readonly LinkedBundle[]): Map<string, LinkResult> {
  const byCeremony = new Map(bundles.map((b) => [b.transcript.ceremony.id, b]));
  const results = new Map<string, LinkResult>();
  for (const b of bundles) {
    const r: LinkResult = { failures: [], checked: [] };
    checkRecovery(b, byCeremony, r);
    checkReEscrow(b, byCeremony, r);
    checkDestruction(b, byCeremony, r);
    checkIssuers(b, bundles, r);
    results.set(b.path, r);
  }
  return results;
}
