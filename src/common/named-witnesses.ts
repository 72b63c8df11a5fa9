/**
 * Named witnesses: a script may require, among its witnesses, people with a given job title
 * ("Key rotation ceremonies must include at least two witnesses, one being the CISO or Director
 * of Cybersecurity", POL-SEC-KM). Pure, so the ceremony engine, the transcript verifier and the
 * screens decide the same way who fills which requirement.
 *
 * A title fills a requirement when it equals one of the requirement's `anyOf` titles, ignoring
 * case and runs of spaces: "ciso" and " CISO " count, "Deputy CISO" does not. Each person fills
 * at most one requirement slot, so one CISO never counts as two named witnesses.
 */

/** One requirement, as a script states it and a transcript records it. */
export interface NamedWitnessRule {
  /** How the requirement reads on every surface: "CISO or Director of Cybersecurity". */
  title: string;
  /** The job titles that fill it. */
  anyOf: readonly string[];
  /** The roles the person must have signed in with (e.g. internal-witness). */
  roles: readonly string[];
  /** How many distinct people it needs (1 unless the script says). */
  count: number;
}

export interface TitledPerson {
  id: string;
  role: string;
  title?: string | undefined;
}

/** "Director  of cybersecurity " → "director of cybersecurity". */
export function normaliseTitle(title: string): string {
  return title.trim().replace(/\s+/g, " ").toLowerCase();
}

export function titleFills(person: TitledPerson, rule: Pick<NamedWitnessRule, "anyOf" | "roles">): boolean {
  if (!person.title || !rule.roles.includes(person.role)) return false;
  const mine = normaliseTitle(person.title);
  return rule.anyOf.some((t) => normaliseTitle(t) === mine);
}

export interface NamedWitnessAssignment {
  /** Per rule (same order), the ids of the people who fill it. */
  filledBy: string[][];
  /** Per rule, how many slots nobody fills (0 when the rule holds). */
  missing: number[];
}

/**
 * Fills every rule's slots with distinct people, as many as possible (a bipartite matching by
 * augmenting paths: a greedy choice could give the one person who fits two rules to the wrong
 * one). People listed first are preferred.
 */
export function assignNamedWitnesses(rules: readonly Pick<NamedWitnessRule, "anyOf" | "roles" | "count">[], people: readonly TitledPerson[]): NamedWitnessAssignment {
  const slots = rules.flatMap((rule, r) => Array.from({ length: rule.count }, () => r));
  const holder = new Map<string, number>(); // person id → slot index
  const slotHolder: Array<string | undefined> = slots.map(() => undefined);
  const tryFill = (slot: number, seen: Set<string>): boolean => {
    const rule = rules[slots[slot]!]!;
    for (const p of people) {
      if (seen.has(p.id) || !titleFills(p, rule)) continue;
      seen.add(p.id);
      const taken = holder.get(p.id);
      if (taken === undefined || tryFill(taken, seen)) {
        holder.set(p.id, slot);
        slotHolder[slot] = p.id;
        return true;
      }
    }
    return false;
  };
  slots.forEach((_, slot) => tryFill(slot, new Set()));
  const filledBy = rules.map(() => [] as string[]);
  const missing = rules.map(() => 0);
  slots.forEach((r, slot) => {
    const id = slotHolder[slot];
    if (id === undefined) missing[r]!++;
    else filledBy[r]!.push(id);
  });
  return { filledBy, missing };
}

/** "CISO, Director of Cybersecurity or Chief Information Security Officer". */
export function titleList(anyOf: readonly string[]): string {
  return anyOf.length > 1 ? `${anyOf.slice(0, -1).join(", ")} or ${anyOf.at(-1)}` : (anyOf[0] ?? "");
}

/** "a CISO or Director of Cybersecurity (job title CISO or Director of Cybersecurity)"; "2 × …" for more than one. */
export function describeNamedWitness(rule: Pick<NamedWitnessRule, "title" | "anyOf" | "count">, missing = rule.count): string {
  const titles = titleList(rule.anyOf);
  const same = normaliseTitle(titles) === normaliseTitle(rule.title);
  return `${missing === 1 ? "a" : `${missing} ×`} ${rule.title}${same ? "" : ` (job title ${titles})`}`;
}
