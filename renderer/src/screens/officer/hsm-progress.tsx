import { useEffect, useState } from "react";
import { formatSeconds } from "../../format/duration.ts";
import { useHsmProgress } from "../../state/use-hsm-progress.ts";

const TICK_MS = 100;

/**
 * Shown while a step's action runs: how long it has been running (the screen's own clock) and,
 * when the HSM reports long work, which operation it is in. The ticking number is hidden from
 * screen readers; the live region changes only when the operation does.
 */
export function HsmProgress({ startedAt }: { startedAt: number }) {
  const busy = useHsmProgress();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <div className="hsm-progress">
      <div className="progress-bar" aria-hidden="true">
        <div className="progress-bar-fill" />
      </div>
      <p role="status">{busy ? `The HSM is working: ${busy.operation}.` : "The action is running. Keep the HSM connected."}</p>
      <p className="progress-elapsed" aria-hidden="true">
        Elapsed {formatSeconds(now - startedAt)}
        {busy ? ` · HSM busy for ${formatSeconds(busy.elapsedMs + (now - busy.receivedAt))}` : ""}
      </p>
    </div>
  );
}
