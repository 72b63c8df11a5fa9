import { useEffect, useState } from "react";
import { bridge } from "../api/ceremony-client.ts";

export interface HsmBusy {
  operation: string;
  /** How long the HSM had been at it when the event was sent. */
  elapsedMs: number;
  receivedAt: number;
}

/** The HSM operation in progress (from "hsm-busy" events), or null when it is idle. */
export function useHsmProgress(): HsmBusy | null {
  const [busy, setBusy] = useState<HsmBusy | null>(null);
  useEffect(() => {
    return bridge()?.onProgress((event) => {
      if (event.kind === "hsm-busy") setBusy({ operation: event.operation ?? "working", elapsedMs: event.elapsedMs ?? 0, receivedAt: Date.now() });
      else if (event.kind === "hsm-idle") setBusy(null);
    });
  }, []);
  return busy;
}
