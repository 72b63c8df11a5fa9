import { useEffect, useRef, useState } from "react";
import type { ShareCheck } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";

const DEBOUNCE_MS = 150;

/**
 * Checks the words typed so far as the holder types (shares:check): per-word feedback, and
 * once all words are in, the checksum, set and — for a read-back — whether this is the card
 * printed for that holder. Only the newest answer is shown.
 */
export function useShareCheck(text: string, participantId?: string, entered?: ReadonlyArray<{ participantId: string; fingerprint: string }>): { check: ShareCheck | null; checking: boolean } {
  // Compared by value: a new array with the same cards must not start another check.
  const enteredKey = JSON.stringify(entered ?? []);
  const [check, setCheck] = useState<ShareCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    if (text.trim() === "") {
      setCheck(null);
      setChecking(false);
      return;
    }
    setChecking(true);
    const timer = window.setTimeout(() => {
      const others = JSON.parse(enteredKey) as Array<{ participantId: string; fingerprint: string }>;
      call("shares:check", { text, ...(participantId ? { participantId } : {}), ...(others.length ? { entered: others } : {}) }).then(
        (result) => {
          if (mine !== seq.current) return;
          setCheck(result);
          setChecking(false);
        },
        (e: unknown) => {
          if (mine !== seq.current) return;
          setCheck(null);
          setChecking(false);
          console.warn("share check failed", e);
        },
      );
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, participantId, enteredKey]);
  return { check, checking };
}
