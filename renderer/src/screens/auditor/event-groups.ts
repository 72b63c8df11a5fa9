import type { VerificationView } from "../../../../src/api/contract.ts";

type Event = VerificationView["events"][number];
type Step = VerificationView["steps"][number];

export interface EventGroup {
  title: string;
  step: Step | null;
  events: Event[];
}

/**
 * The journal in the order it was written, cut where each step starts: what came before the
 * first step is set-up (sign-in, air gap), what follows the last step belongs to it and to the
 * finish. The events carry no step number of their own, so "step.started" is the boundary.
 */
export function groupEventsByStep(view: Pick<VerificationView, "events" | "steps">): EventGroup[] {
  const groups: EventGroup[] = [{ title: "Set-up: sign-in and air gap", step: null, events: [] }];
  let stepCursor = 0;
  for (const event of view.events) {
    if (event.type === "step.started") {
      const step = view.steps[stepCursor++] ?? null;
      groups.push({ title: step ? `Step ${step.index + 1}: ${step.title}` : event.summary, step, events: [] });
    }
    groups[groups.length - 1]!.events.push(event);
  }
  return groups.filter((g) => g.events.length > 0);
}
