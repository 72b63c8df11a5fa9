import type { StepView } from "../../../src/api/contract.ts";

const STEP_STATUS: Record<StepView["status"], { text: string; symbol: string }> = {
  pending: { text: "Not started", symbol: "○" },
  running: { text: "Running", symbol: "◔" },
  failed: { text: "Failed", symbol: "✖" },
  "awaiting-attestation": { text: "Awaiting witnesses", symbol: "◑" },
  completed: { text: "Done", symbol: "✔" },
};

export function StepStatusBadge({ status }: { status: StepView["status"] }) {
  const s = STEP_STATUS[status];
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true">{s.symbol} </span>
      {s.text}
    </span>
  );
}

export function stepStatusText(status: StepView["status"]): string {
  return STEP_STATUS[status].text;
}
