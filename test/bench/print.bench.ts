/**
 * Print figures. Run: npm run bench:print   (BENCH_RENDERS=n renders per round, default 8)
 *
 * Renders what the workstation prints — share cards with their QR code (plain and REHEARSAL), the
 * witness sheet (12 steps, and 16 holders), the transcript summary, the paper ceremony script and
 * an evidence report — many times in this process. The floor for each is measured in the same run:
 * a plain pdfkit document (same page size, metadata and compression) that draws the very same
 * text lines, with the same fonts, sizes and positions on the same pages, but measures nothing,
 * fits nothing and draws no rules, boxes or QR code. Prints ms per document and the ratio to that
 * floor in CPU time (best round of several, so a busy machine disturbs it less), and the wall-clock
 * time of the first render of each kind in this process, which is what a short-lived CLI process
 * pays. Figures, not a pass/fail test.
 */
import { join, resolve } from "node:path";
import { loadScriptFile } from "../../src/ceremony/load-script.ts";
import { paperScriptInput } from "../../src/ceremony/paper-script.ts";
import {
  renderCeremonyScript,
  renderEvidenceReport,
  renderShareCard,
  renderTranscriptSummary,
  renderWitnessSheet,
  type EvidenceReportInput,
} from "../../src/print/index.ts";
import { loadPdfKit, renderPdf, type Pdf } from "../../src/print/pdf-document.ts";
import { fakeHex, fakeShareCard, fakeSixteenHolderWitnessSheet, fakeTranscriptSummary, fakeWitnessSheet } from "../unit/print/print-fixtures.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const RENDERS = Number(process.env.BENCH_RENDERS ?? 8);
const ROUNDS = 7;

/** One text call as the document made it: what the floor draws again, without fitting. */
interface TextCall {
  page: number;
  font: string;
  size: number;
  text: string;
  x: number;
  y: number;
  options: object | undefined;
}

/** The pdfkit internals the capture reads: the current page, its place in the buffer, the font. */
interface PdfInternals {
  page: unknown;
  _pageBuffer: unknown[];
  _font: { name: string };
  _fontSize: number;
}

type TextMethod = (this: Pdf, text: string, x: number, y: number, options?: object) => Pdf;

/** Renders once while recording every `doc.text` call and the page count. */
async function capture(render: () => Promise<Buffer>): Promise<{ calls: TextCall[]; pages: number; ms: number }> {
  // The class the app prints with (loaded through CommonJS by pdf-document.ts).
  const proto = loadPdfKit().prototype as unknown as { text: TextMethod };
  const original = proto.text;
  const calls: TextCall[] = [];
  let pages = 0;
  proto.text = function (this: Pdf, text, x, y, options) {
    const d = this as unknown as PdfInternals;
    const page = d._pageBuffer.indexOf(d.page);
    pages = Math.max(pages, d._pageBuffer.length);
    calls.push({ page, font: d._font.name, size: d._fontSize, text, x, y, options: options === undefined ? undefined : { ...options } });
    return original.call(this, text, x, y, options);
  };
  try {
    const start = process.hrtime.bigint();
    await render();
    return { calls, pages, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  } finally {
    proto.text = original;
  }
}

/** The floor: the same text lines on the same pages, drawn as they are. */
function drawFloor(calls: readonly TextCall[], pages: number): Promise<Buffer> {
  return renderPdf({ title: "floor", subject: "floor", date: new Date("2025-06-03T09:41:00Z") }, (doc) => {
    for (let p = 0; p < pages; p++) doc.addPage();
    for (const c of calls) {
      doc.switchToPage(c.page);
      doc.font(c.font).fontSize(c.size).text(c.text, c.x, c.y, c.options);
    }
  });
}

/** A demo-sized evidence report: 9 bundles, 11 requirements with 2 to 25 evidence rows, 7 PCI rows, 6 keys. */
function fakeEvidenceReport(): EvidenceReportInput {
  const ceremonies = ["root-ca", "intermediate-signing", "crl-signing", "master-key", "key-recovery", "root-rotation", "kek-rotation", "key-destruction", "copies-destruction"].map(
    (name, i) => `${name}-20261201-${fakeHex(`c${i}`, 3)}`,
  );
  const quote = (i: number): string =>
    ["Keys must be generated within a cryptographic module with at least FIPS 140-2 compliance.", "Hardware cryptographic modules are preferred over software modules.", "Keys for Restricted data: MUST be generated within KMS or HSM — never in application code", "Key custodians shall formally acknowledge their responsibilities in writing."][i % 4] as string;
  const evidenceCounts = [6, 9, 25, 2, 2, 8, 6, 3, 4, 9, 13];
  return {
    generatedAt: "2026-12-01T12:13:00Z",
    asOf: "2026-12-01T12:13:00Z",
    app: { name: "Ceremony Workstation", version: "0.1.0" },
    policy: { seeds: ["000", "001", "002", "003", "004"].map((id) => ({ id, file: `${id}_${fakeHex(id, 8)}.txt`, title: `Key Management Policy ${id} (template after the OWASP Key Management Cheat Sheet)` })) },
    anchors: [],
    bundles: ceremonies.map((id, i) => ({
      path: `/dev/shm/demo/out/${String(i + 1).padStart(2, "0")}-${id.split("-2026")[0] as string}`,
      ceremonyId: id,
      scriptId: id.split("-2026")[0] as string,
      verdict: "verified-not-anchored",
      signerSpkiSha256: fakeHex(`signer-${i % 2}`, 32),
      anchored: false,
      rehearsal: true,
      use: "evidence",
      failures: [],
    })),
    requirements: evidenceCounts.map((count, r) => ({
      id: `requirement-${r}`,
      title: `Requirement ${r + 1}: keys are generated inside the HSM, with the module's own random bit generator, and never leave it in the clear`,
      check: "Every key a ceremony made was generated by the token the transcript records, in a step that ran on it; a recovered key is not a generation.",
      status: "evidenced",
      sources: [0, 1, 2].map((s) => ({ seed: `00${s}`, section: "§3.2 Generation", quote: quote(r + s) })),
      evidence: Array.from({ length: count }, (_, e) => ({
        ceremonyId: ceremonies[e % ceremonies.length] as string,
        seq: 30 + e,
        time: `2026-12-01T12:${String(7 + (e % 50)).padStart(2, "0")}:54.349Z`,
        actor: { name: "Cy Officer", role: "crypto-officer" },
        text: `step ${(e % 7) + 1} "Generate the root key in the HSM" of ${ceremonies[e % ceremonies.length] as string}: performed by Cy Officer (Crypto officer), attested by Wen Witness (Internal witness) and Xu Witness (Internal witness, Director of Cybersecurity); key SPKI ${fakeHex(`k${e}`, 8).toUpperCase()}… on token demo-root (serial d4dc37c5fdee710e, SoftHSM project SoftHSM v2)`,
      })),
      findings: [],
    })),
    pciDss: ["3.7.1", "3.7.2", "3.7.3", "3.7.4", "3.7.5", "3.7.6", "3.7.7"].map((id, i) => ({
      id,
      pciTitle: "Generation of strong cryptographic keys, and their secure distribution and storage",
      seedMapping: i === 2 ? null : { seed: "001", section: "§9 Compliance Mapping", quote: `| Cryptographic key protection | PCI-DSS Req. ${id} | HSM for KEKs + KMS for DEKs |` },
      requirements: [`requirement-${i}`, `requirement-${i + 1}`],
      status: "evidenced",
    })),
    keys: ["ceremony-transcript-signing", "ROOT-CA-R1", "KEK-01", "ceremony-transcript-signing", "ROOT-CA-R2", "KEK-02"].map((label, i) => ({
      label,
      algorithm: label.startsWith("KEK") ? "AES-256" : "EC-P384",
      kind: label.startsWith("KEK") ? "master key (KEK)" : "root CA key",
      createdAt: "2026-12-01T12:07:54.349Z",
      createdBy: ceremonies[i] as string,
      rotationDueAt: i % 2 === 0 ? null : "2027-12-01T12:09:39.327Z",
      rotation: i % 2 === 0 ? "no rotation rule in the policy for this kind of key" : "active",
      copies: Array.from({ length: label.startsWith("KEK") ? 6 : 1 }, (_, c) => ({
        where: `token demo-root (serial d4dc37c5fdee710e, SoftHSM project SoftHSM v2), ID ${fakeHex(`id${i}${c}`, 16).toUpperCase()}`,
        state: c === 0 ? "live" : "destroyed by key-destruction-20261201-b5fb83 on 2026-12-01",
      })),
    })),
    notes: [
      "9 of the 9 bundles used as evidence are REHEARSALS on throwaway software tokens: they show the procedure was followed, not that production keys exist.",
      "No --signer was given, so nothing is anchored: a bundle re-signed by someone else would read the same. Compare each signer with its witness sheet and run again with --signer.",
    ],
    summary: { bundles: 9, usedAsEvidence: 9, notVerified: 0, notAnchored: 9, requirements: { evidenced: 11, missing: 0, overdue: 0, contradicted: 0 } },
  };
}

interface Kind {
  name: string;
  /** The `i`th render: inputs vary with i (holder, ceremony ID), as successive documents of a run do. */
  render: (i: number) => Promise<Buffer>;
}

async function kinds(): Promise<Kind[]> {
  const { script } = await loadScriptFile(join(ROOT, "ceremony-scripts/master-key.yaml"));
  const scriptInput = paperScriptInput(script, { rehearsal: true, printedAt: new Date("2026-12-01T10:00:00Z") });
  const evidence = fakeEvidenceReport();
  const id = (i: number): string => `CW-2025-06-KEK-${String(i).padStart(2, "0")}`;
  return [
    { name: "share card", render: (i) => renderShareCard({ ...fakeShareCard((i % 5) + 1), ceremonyId: id(i) }) },
    { name: "share card, rehearsal", render: (i) => renderShareCard({ ...fakeShareCard((i % 5) + 1, { rehearsal: true }), ceremonyId: id(i) }) },
    { name: "witness sheet, 12 steps", render: (i) => renderWitnessSheet({ ...fakeWitnessSheet({ rehearsal: true }), ceremonyId: id(i) }) },
    { name: "witness sheet, 16 holders", render: (i) => renderWitnessSheet({ ...fakeSixteenHolderWitnessSheet(), ceremonyId: id(i) }) },
    { name: "transcript summary", render: (i) => renderTranscriptSummary({ ...fakeTranscriptSummary({ rehearsal: true }), ceremonyId: id(i) }) },
    { name: "ceremony script (master key)", render: (i) => renderCeremonyScript({ ...scriptInput, title: `${scriptInput.title} ${i}` }) },
    { name: "evidence report", render: (i) => renderEvidenceReport({ ...evidence, asOf: `2026-12-${String((i % 28) + 1).padStart(2, "0")}T12:13:00Z` }) },
  ];
}

/** CPU ms (user + system of this process) per call: on a shared machine, wall-clock time mostly measures the neighbours. */
async function timeBatch(fn: (i: number) => Promise<unknown>, round: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < RENDERS; i++) await fn(round * RENDERS + i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / RENDERS;
}

async function main(): Promise<void> {
  // One blank document first, so the first kind does not pay for loading the fonts alone.
  const load = process.hrtime.bigint();
  await renderPdf({ title: "warm-up", subject: "warm-up", date: new Date(0) }, (doc) => doc.addPage());
  console.log(`a blank one-page document: ${(Number(process.hrtime.bigint() - load) / 1e6).toFixed(0)} ms`);
  console.log(`${RENDERS} renders per round, best of ${ROUNDS} rounds; floor = the same text lines drawn without fitting\n`);
  console.log(`${"document".padEnd(30)} ${"pages".padStart(5)} ${"lines".padStart(6)} ${"first ms".padStart(9)} ${"cpu ms/doc".padStart(10)} ${"floor ms".padStart(9)} ${"ratio".padStart(6)}`);
  let total = 0;
  let totalFloor = 0;
  for (const kind of await kinds()) {
    const { calls, pages, ms: first } = await capture(() => kind.render(0));
    let best = Infinity;
    let bestFloor = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      best = Math.min(best, await timeBatch(kind.render, round));
      bestFloor = Math.min(bestFloor, await timeBatch(() => drawFloor(calls, pages), round));
    }
    total += best;
    totalFloor += bestFloor;
    console.log(
      `${kind.name.padEnd(30)} ${String(pages).padStart(5)} ${String(calls.length).padStart(6)} ${first.toFixed(1).padStart(9)} ${best.toFixed(2).padStart(10)} ${bestFloor.toFixed(2).padStart(9)} ${(best / bestFloor).toFixed(2).padStart(5)}×`,
    );
  }
  console.log(`${"one of each".padEnd(30)} ${"".padStart(5)} ${"".padStart(6)} ${"".padStart(9)} ${total.toFixed(2).padStart(10)} ${totalFloor.toFixed(2).padStart(9)} ${(total / totalFloor).toFixed(2).padStart(5)}×`);
}

await main();
