import { z } from "zod";
import { copiesVerdict, copyIdentity, describeCopy, describeFate, type KeyCopy, remainingCopies, verdictText } from "../../common/key-copies.ts";
import { formatFingerprint, formatSetId } from "../../common/index.ts";
import { lastEventOfType } from "../../events/index.ts";
import { foldKeyCopies } from "../../events/key-copies.ts";
import type { ActionContext, ActionDefinition, OutputValue, PreviewItem } from "../action-api.ts";
import { KeyCopiesError, listedCopies, matchDeclarations, type MatchedDeclarations } from "./key-copies-common.ts";
import { CopyDeclarationParams } from "./key-copies-list.ts";

const Params = z.object({ label: z.string().min(1).max(64), ...CopyDeclarationParams }).strict();
type AccountParams = z.infer<typeof Params>;

/**
 * Records, under the witnesses' eyes, what became of every copy other than the one this
 * ceremony's token held: each card handed in (by its number and the fingerprint printed on it)
 * and destroyed, each wrapped blob whose media were destroyed, each card declared lost, and each
 * copy on another token declared destroyed. Then the verdict: DESTROYED only when every listed
 * copy is accounted for, otherwise PARTLY DESTROYED with what remains and where.
 */
export const keyCopiesAccount: ActionDefinition<AccountParams> = {
  type: "key.copies.account",
  summary: "Account for every copy: cards and wrapped keys destroyed in front of the witnesses, then the verdict",
  params: Params as unknown as z.ZodType<AccountParams>,
  needs: [],
  usesHsm: false,
  async preview(ctx, p) {
    const { copies, matched } = plan(ctx, p);
    const items: PreviewItem[] = [];
    const fates = new Map<string, string>();
    for (const c of matched.collected) fates.set(copyIdentity(c), `collected now: check the card's number and its printed share fingerprint ${formatFingerprint(c.fingerprint)}, then destroy it in front of the witnesses`);
    for (const c of matched.lost) fates.set(copyIdentity(c), "declared LOST: its status stays unknown, so the key will not be called destroyed");
    for (const c of matched.blobs) fates.set(copyIdentity(c), "every medium holding this file is destroyed in front of the witnesses");
    for (const t of matched.tokens) fates.set(copyIdentity(t.copy), `declared destroyed: ${t.note}`);
    for (const c of copies) {
      items.push({ label: capitalise(describeCopy(c)), value: fates.get(copyIdentity(c)) ?? (c.status === "present" ? "REMAINS: nothing is recorded for it in this step" : describeFate(c)) });
    }
    const after = applyDeclarations(copies, matched, ctx.ceremonyId, ctx.now().toISOString());
    items.push({ label: "After this step", value: `${verdictText(copiesVerdict(after))}${remainingSummary(after)}` });
    return items;
  },
  async run(ctx, p) {
    const { matched } = plan(ctx, p);
    const at = ctx.now().toISOString();
    const fate = { by: ctx.ceremonyId, at };
    for (const c of matched.collected) record(ctx, p.label, { ...c, status: "collected-and-destroyed", ...fate, note: null });
    for (const c of matched.lost) record(ctx, p.label, { ...c, status: "unknown", ...fate, note: "declared lost" });
    for (const c of matched.blobs) record(ctx, p.label, { ...c, status: "collected-and-destroyed", ...fate, note: null });
    for (const t of matched.tokens) record(ctx, p.label, { ...t.copy, status: "destroyed", ...fate, note: t.note });

    const folded = foldKeyCopies(ctx.events());
    if (!folded) throw new KeyCopiesError("COPIES_NOT_LISTED", `The copies of "${p.label}" have not been listed in this ceremony; the step that lists them comes first.`);
    ctx.record("key.copies.accounted", { label: p.label, verdict: folded.verdict, copies: folded.copies });
    const outputs: Record<string, OutputValue> = { verdict: { label: `${p.label}`, kind: "text", value: verdictText(folded.verdict) } };
    remainingCopies(folded.copies).forEach((c, i) => {
      outputs[`remains${i + 1}`] = { label: `Remains ${i + 1}`, kind: "text", value: `${describeCopy(c)}: ${describeFate(c)}` };
    });
    return { outputs };
  },
};

function plan(ctx: ActionContext, p: AccountParams): { copies: KeyCopy[]; matched: MatchedDeclarations } {
  const listed = listedCopies(ctx.events(), p.label);
  const hereSerial = lastEventOfType(ctx.events(), "hsm.token.selected")?.body.serial ?? "";
  // The copies as they stand now: the token copy destroyed by the step before is destroyed.
  const copies = foldKeyCopies(ctx.events())?.copies ?? listed.copies;
  const matched = matchDeclarations(copies, p, hereSerial);
  for (const c of [...matched.collected, ...matched.lost, ...matched.blobs, ...matched.tokens.map((t) => t.copy)]) {
    if (c.status === "collected-and-destroyed" || c.status === "destroyed") {
      if (c.by === ctx.ceremonyId) continue;
      throw new KeyCopiesError("COPIES_ALREADY_ACCOUNTED", `The ${describeCopy(c)} is already ${describeFate(c)}; take it out of the parameters.`);
    }
  }
  return { copies, matched };
}

/** Journals one copy's new fate and tells the inventory. */
function record(ctx: ActionContext, label: string, copy: KeyCopy): void {
  ctx.record("key.copy.accounted", { label, copy });
  if (copy.kind === "token") {
    const row = ctx.inventory.listKeys().find((k) => k.tokenSerial === copy.tokenSerial && k.ckaId === copy.id);
    if (row && !row.destroyedAt) ctx.inventory.markDestroyed({ tokenSerial: copy.tokenSerial, ckaId: copy.id }, ctx.ceremonyId, { note: copy.note });
    return;
  }
  if (copy.status !== "collected-and-destroyed" && copy.status !== "unknown") return;
  // A set known only from an earlier destruction's bundle is not in this journal's inventory; the transcript records it all the same.
  const known = ctx.inventory
    .listKeysWithCopies()
    .flatMap((g) => g.copies)
    .some((x) => copyIdentity(x) === copyIdentity(copy));
  if (!known) return;
  const ref = copy.kind === "card" ? { kind: "card" as const, setId: copy.setId, card: copy.card } : { kind: "wrapped-key" as const, setId: copy.setId };
  ctx.inventory.markEscrowCopy(ref, { status: copy.status, ceremonyId: ctx.ceremonyId, at: copy.at!, note: copy.note });
}

function applyDeclarations(copies: readonly KeyCopy[], m: MatchedDeclarations, by: string, at: string): KeyCopy[] {
  const fates = new Map<string, Pick<KeyCopy, "status" | "note">>();
  for (const c of m.collected) fates.set(copyIdentity(c), { status: "collected-and-destroyed", note: null });
  for (const c of m.lost) fates.set(copyIdentity(c), { status: "unknown", note: "declared lost" });
  for (const c of m.blobs) fates.set(copyIdentity(c), { status: "collected-and-destroyed", note: null });
  for (const t of m.tokens) fates.set(copyIdentity(t.copy), { status: "destroyed", note: t.note });
  return copies.map((c) => {
    const f = fates.get(copyIdentity(c));
    return f ? ({ ...c, ...f, by, at } as KeyCopy) : c;
  });
}

function remainingSummary(copies: readonly KeyCopy[]): string {
  const left = remainingCopies(copies);
  if (left.length === 0) return "";
  const tokens = left.filter((c) => c.kind === "token").length;
  const cards = left.filter((c) => c.kind === "card");
  const blobs = left.filter((c) => c.kind === "wrapped-key").length;
  const parts = [
    tokens ? `${tokens} token copy${tokens > 1 ? "ies" : ""}`.replace("copyies", "copies") : "",
    cards.length ? `${cards.length} card${cards.length > 1 ? "s" : ""} (set ${[...new Set(cards.map((c) => (c.kind === "card" ? formatSetId(c.setId) : "")))].join(", ")})` : "",
    blobs ? `${blobs} wrapped key${blobs > 1 ? "s" : ""}` : "",
  ].filter(Boolean);
  return `: ${parts.join(", ")} remain`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
