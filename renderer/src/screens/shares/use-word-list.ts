import { useEffect, useState } from "react";
import { call } from "../../api/ceremony-client.ts";

let wordList: Promise<string[]> | null = null;
let wordCount: Promise<number> | null = null;

/** The share word list from the core, fetched once per window. */
export function useWordList(): string[] {
  const [words, setWords] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    wordList ??= call("shares:wordlist", {}).catch(() => {
      wordList = null;
      return [];
    });
    void wordList.then((w) => live && setWords(w));
    return () => {
      live = false;
    };
  }, []);
  return words;
}

/**
 * How many words a card has. The core owns the share format; any check answers with the
 * expected count, so one throwaway check asks it instead of the screen assuming a number.
 */
export function useExpectedWordCount(): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    wordCount ??= call("shares:check", { text: "?" })
      .then((c) => c.expectedWords)
      .catch(() => {
        wordCount = null;
        return 0;
      });
    void wordCount.then((n) => live && n > 0 && setCount(n));
    return () => {
      live = false;
    };
  }, []);
  return count;
}
