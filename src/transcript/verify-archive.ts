/**
 * `ceremony verify PATH…`: many bundles, or folders of them, in one process — an archive audit.
 * Each bundle is verified on its own, then the links between the bundles given are checked, and
 * each gets one verdict. The report is what `--json` prints for the online system's import.
 */
import type { RecordedEvent } from "../events/index.ts";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { RESERVED_FILES } from "./bundle-paths.ts";
import type { VerifyFailure } from "./failures.ts";
import type { Transcript } from "./types.ts";
import { type BundleVerification, type VerifyBundleOptions, verifyBundle } from "./verify-bundle.ts";
import { checkLinks } from "./verify-links.ts";

export const VERIFY_REPORT_FORMAT = "ceremony-workstation.verify-report.v1";

/**
 * verified: every check holds and the signer is an anchor. not-anchored: every check holds but no
 * anchor was given (compare the signer fingerprint with the witness sheet). aborted: the ceremony
 * was aborted — its record is genuine, but nothing it made is to be used. failed: a check failed.
 */
export type Verdict = "verified" | "verified-not-anchored" | "verified-aborted" | "verified-aborted-not-anchored" | "failed";

export interface BundleReport {
  path: string;
  verdict: Verdict;
  ceremonyId: string | null;
  scriptId: string | null;
  title: string | null;
  status: "completed" | "aborted" | null;
  abortReason: string | null;
  rehearsal: boolean;
  scriptSha256: string | null;
  checkpoint: { eventCount: number; head: string } | null;
  /** "kind:label" of every signed output. */
  outputs: string[];
  /** Card sets split and then voided: the cards of each delivered before, and who attested them collected (names). */
  voidedCardSets: Array<{ keyLabel: string; setId: string; cards: Array<{ card: number; holder: string }>; attesters: string[] }>;
  signerSpkiSha256: string | null;
  anchored: boolean;
  failures: VerifyFailure[];
  links: string[];
}

export interface VerifyReport {
  format: typeof VERIFY_REPORT_FORMAT;
  anchors: string[];
  bundles: BundleReport[];
  summary: { total: number; verified: number; notAnchored: number; aborted: number; failed: number };
}

const MAX_DEPTH = 6;

async function isBundle(dir: string): Promise<boolean | null> {
  try {
    const names = await readdir(dir);
    return names.some((n) => (RESERVED_FILES as readonly string[]).includes(n));
  } catch {
    return null;
  }
}

/** The bundle folders under `path`: itself when it is one, else every bundle in its subfolders. */
async function bundlesUnder(path: string, depth: number, found: string[]): Promise<void> {
  if (await isBundle(path)) {
    found.push(path);
    return;
  }
  if (depth >= MAX_DEPTH) return;
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) await bundlesUnder(join(path, e.name), depth + 1, found);
}

/** Expands the paths given into bundle folders; a path with no bundle in it stays, and fails as unreadable. */
export async function findBundles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const found: string[] = [];
    if ((await isBundle(path)) !== null) await bundlesUnder(path, 0, found);
    out.push(...(found.length > 0 ? found : [path]));
  }
  return [...new Set(out)];
}

function verdictOf(v: BundleVerification): Verdict {
  if (!v.ok || !v.transcript) return "failed";
  const aborted = v.transcript.ceremony.status === "aborted";
  if (v.anchored) return aborted ? "verified-aborted" : "verified";
  return aborted ? "verified-aborted-not-anchored" : "verified-not-anchored";
}

function noBundleFailures(path: string, v: BundleVerification): VerifyFailure[] {
  // A folder with none of the bundle's files is named as such, not as four missing files.
  if (v.files.size === 0 || RESERVED_FILES.every((f) => !v.files.has(f))) {
    if (v.failures.some((f) => f.code === "BUNDLE_UNREADABLE")) return v.failures;
    return [{ code: "BUNDLE_UNREADABLE", message: `${path} holds no bundle (no transcript.json, in it or in its subfolders)` }];
  }
  return v.failures;
}

export interface VerifyArchiveOptions extends VerifyBundleOptions {
  /**
   * Called with each bundle's transcript as soon as it is read, before the links between bundles
   * are checked: trust it only when that bundle's verdict in the report is not "failed" (the
   * evidence report, src/evidence, reads the events this way without reading a bundle twice).
   */
  onTranscript?(path: string, transcript: Transcript): void;
}

export async function verifyArchive(paths: readonly string[], options: VerifyArchiveOptions = {}): Promise<VerifyReport> {
  const bundlePaths = await findBundles(paths);
  const results: Array<{ path: string; v: BundleVerification }> = [];
  // One at a time: the bundles' bytes are dropped as soon as each is judged, so memory stays flat.
  for (const path of bundlePaths) {
    const v = await verifyBundle(path, options);
    if (v.transcript) options.onTranscript?.(path, v.transcript);
    results.push({ path, v: { ...v, files: new Map(), failures: noBundleFailures(path, v) } });
  }
  const linkable = results.flatMap(({ path, v }) => (v.ok && v.transcript && v.signerSpkiSha256 ? [{ path, transcript: v.transcript, signerSpkiSha256: v.signerSpkiSha256 }] : []));
  const links = checkLinks(linkable);
  const bundles = results.map(({ path, v }): BundleReport => {
    const link = links.get(path);
    const failures = [...v.failures, ...(link?.failures ?? [])];
    const judged = { ...v, ok: v.ok && failures.length === 0, anchored: v.anchored && failures.length === 0 };
    const t = v.transcript;
    return {
      path,
      verdict: verdictOf(judged),
      ceremonyId: t?.ceremony.id ?? null,
      scriptId: t?.ceremony.scriptId ?? null,
      title: t?.ceremony.title ?? null,
      status: t?.ceremony.status ?? null,
      abortReason: t?.ceremony.status === "aborted" ? abortReasonOf(t.events.at(-1)) : null,
      rehearsal: t?.events[0]?.type === "ceremony.started" && t.events[0].body.rehearsal,
      scriptSha256: t?.script.sha256 ?? null,
      checkpoint: t ? { eventCount: t.checkpoint.eventCount, head: t.checkpoint.head } : null,
      outputs: t?.outputs.map((o) => `${o.kind}:${o.label}`) ?? [],
      voidedCardSets: t ? voidedCardSetsOf(t.events, new Map(t.participants.map((p) => [p.id, p.name]))) : [],
      signerSpkiSha256: v.signerSpkiSha256 ?? null,
      anchored: judged.anchored,
      failures,
      links: link?.checked ?? [],
    };
  });
  const count = (f: (b: BundleReport) => boolean): number => bundles.filter(f).length;
  return {
    format: VERIFY_REPORT_FORMAT,
    anchors: [...(options.anchors ?? [])],
    bundles,
    summary: {
      total: bundles.length,
      verified: count((b) => b.verdict !== "failed"),
      notAnchored: count((b) => b.verdict.endsWith("not-anchored")),
      aborted: count((b) => b.verdict.startsWith("verified-aborted")),
      failed: count((b) => b.verdict === "failed"),
    },
  };
}

/**
 * The exit status of `ceremony verify` (README, "Verifying a bundle"): 0 every bundle verified and
 * anchored, none aborted; 1 any bundle failed; 3 all verified but some not anchored; 4 all
 * verified and anchored but some ceremony aborted; 5 some not anchored and some aborted.
 * (2 is a usage error, before anything is verified.)
 */
export function exitStatusOf(report: VerifyReport): number {
  const { failed, notAnchored, aborted, total } = report.summary;
  if (failed > 0 || total === 0) return 1;
  if (notAnchored > 0) return aborted > 0 ? 5 : 3;
  return aborted > 0 ? 4 : 0;
}

function voidedCardSetsOf(events: readonly RecordedEvent[], names: ReadonlyMap<string, string>): BundleReport["voidedCardSets"] {
  const name = (id: string): string => names.get(id) ?? id;
  return events.flatMap((e) =>
    e.type === "escrow.set.voided"
      ? [{ keyLabel: e.body.keyLabel, setId: e.body.setId, cards: e.body.deliveredCards.map((c) => ({ card: c.card, holder: name(c.participantId) })), attesters: e.body.attesters.map(name) }]
      : [],
  );
}

/** The reason the terminal ceremony.aborted event gives, or null. */
function abortReasonOf(last: RecordedEvent | undefined): string | null {
  return last?.type === "ceremony.aborted" && last.body.reason ? last.body.reason : null;
}
