import { memo, useEffect, useId, useRef, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import type { ShareCheck } from "../../../../src/api/contract.ts";
import { useShareCheck } from "./use-share-check.ts";
import { useExpectedWordCount, useWordList } from "./use-word-list.ts";
import { shareText, wordsFromText } from "./share-text.ts";

const CARD_COLUMNS = 3;

/**
 * One card's words: a field a USB QR scanner types into (scanners are keyboards) or the card
 * text is pasted into, and a numbered grid to type word by word with completion from the word
 * list. Every change is checked by the core; per-word problems show at the word.
 */
export function ShareWordsEntry({
  idPrefix,
  participantId,
  entered,
  onResult,
}: {
  idPrefix: string;
  participantId?: string;
  /** Other cards entered on the same screen (fingerprints): the core refuses one entered twice. */
  entered?: ReadonlyArray<{ participantId: string; fingerprint: string }>;
  onResult(text: string, check: ShareCheck | null): void;
}) {
  const listId = useId();
  const expected = useExpectedWordCount();
  const wordList = useWordList();
  const [words, setWords] = useState<string[]>([]);
  const [scan, setScan] = useState("");
  // Only the cell being typed in offers completions: Chromium re-filters a datalist for every
  // input that names it whenever values change, which made a scanner's typing lag behind.
  const [focusedCell, setFocusedCell] = useState<number | null>(null);
  const cells = useRef<Array<HTMLInputElement | null>>([]);
  const text = shareText(words);
  const { check, checking } = useShareCheck(text, participantId, entered);
  const report = useRef(onResult);
  useEffect(() => {
    report.current = onResult;
  });

  useEffect(() => {
    report.current(text, checking ? null : check);
  }, [text, check, checking]);

  const count = Math.max(expected ?? 0, words.length);
  // Down each column, as the card prints them, so the holder's eyes and the cursor move alike.
  const perColumn = Math.ceil(count / CARD_COLUMNS);
  const columns = Array.from({ length: CARD_COLUMNS }, (_, c) => Array.from({ length: count }, (_, i) => i).slice(c * perColumn, (c + 1) * perColumn)).filter((c) => c.length > 0);
  // check.words[i] is about the i-th non-empty cell.
  const filled = words.map((w, i) => (w ? i : -1)).filter((i) => i >= 0);
  const feedback = new Map<number, ShareCheck["words"][number]>();
  if (check && !checking) check.words.forEach((w) => feedback.set(filled[w.index] ?? -1, w));

  const fillFrom = (start: number, incoming: string[]) => {
    setWords((current) => {
      const next = [...current];
      incoming.forEach((w, j) => (next[start + j] = w));
      return next;
    });
    cells.current[Math.min(start + incoming.length, count - 1)]?.focus();
  };

  const editCell = (index: number, value: string) => {
    setScan("");
    if (/\s/.test(value)) {
      const parts = wordsFromText(value);
      setWords((current) => {
        const next = [...current];
        next[index] = parts[0] ?? "";
        parts.slice(1).forEach((w, j) => (next[index + 1 + j] = w));
        return next;
      });
      cells.current[Math.min(index + Math.max(parts.length, 1), count - 1)]?.focus();
      return;
    }
    setWords((current) => {
      const next = [...current];
      next[index] = value.replace(/[^A-Za-z]/g, "").toLowerCase();
      return next;
    });
  };

  const onPasteCell = (index: number, e: ClipboardEvent<HTMLInputElement>) => {
    const parts = wordsFromText(e.clipboardData.getData("text"));
    if (parts.length > 1) {
      e.preventDefault();
      setScan("");
      fillFrom(index, parts);
    }
  };

  const onKeyCell = (index: number, e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      // Enter moves on, as a word-by-word typist expects; it never submits the form half-typed.
      e.preventDefault();
      cells.current[index + 1]?.focus();
    } else if (e.key === "Backspace" && e.currentTarget.value === "" && index > 0) {
      e.preventDefault();
      cells.current[index - 1]?.focus();
    }
  };

  const renderCell = (i: number) => {
    const f = feedback.get(i);
    const state = !words[i] ? "empty" : f ? (f.known ? "known" : "unknown") : "pending";
    const id = `${idPrefix}-word-${i + 1}`;
    return (
      <li key={i} className={`word-cell word-${state}`}>
        <label htmlFor={id} className="word-number">
          <span className="visually-hidden">Word </span>
          {i + 1}
        </label>
        <input
          id={id}
          ref={(el) => {
            cells.current[i] = el;
          }}
          type="text"
          list={focusedCell === i ? listId : undefined}
          value={words[i] ?? ""}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-invalid={state === "unknown" ? true : undefined}
          aria-describedby={state === "unknown" ? `${id}-problem` : undefined}
          onChange={(e) => editCell(i, e.target.value)}
          onPaste={(e) => onPasteCell(i, e)}
          onKeyDown={(e) => onKeyCell(i, e)}
          onFocus={() => setFocusedCell(i)}
          onBlur={() => setFocusedCell((f) => (f === i ? null : f))}
        />
        {state === "unknown" && f ? (
          <span className="word-problem" id={`${id}-problem`}>
            not a list word{f.suggestion ? ` — ${f.suggestion}?` : ""}
          </span>
        ) : null}
      </li>
    );
  };

  return (
    <div className="share-words-entry">
      <WordListOptions id={listId} words={wordList} />
      <div className="field">
        <label htmlFor={`${idPrefix}-scan`}>Scan the card’s QR code, or paste the card’s text</label>
        <p className="hint" id={`${idPrefix}-scan-hint`}>
          A USB QR scanner types what it reads into the focused field, ending with Enter: put the cursor here and scan. Text starting “CWS1:” is the QR code’s content.
        </p>
        <input
          id={`${idPrefix}-scan`}
          className="scan-input"
          type="text"
          value={scan}
          aria-describedby={`${idPrefix}-scan-hint`}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setScan(e.target.value);
            setWords(wordsFromText(e.target.value));
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") e.preventDefault();
          }}
        />
      </div>
      <fieldset className="word-grid-fieldset">
        <legend>Or type the words, in the card’s order{expected ? ` (${expected} words)` : ""}</legend>
        <div className="word-grid">
          {columns.map((column, c) => (
            <ol key={c} className="word-column" start={column[0]! + 1}>
              {column.map((i) => renderCell(i))}
            </ol>
          ))}
        </div>
      </fieldset>
      <ShareCheckStatus check={check} checking={checking} empty={text === ""} />
    </div>
  );
}

/** The 2048 completions, rendered once rather than on every keystroke. */
const WordListOptions = memo(function WordListOptions({ id, words }: { id: string; words: string[] }) {
  return (
    <datalist id={id}>
      {words.map((w) => (
        <option key={w} value={w} />
      ))}
    </datalist>
  );
});

function ShareCheckStatus({ check, checking, empty }: { check: ShareCheck | null; checking: boolean; empty: boolean }) {
  const tone = empty || checking || !check ? "neutral" : check.ok ? "ok" : check.wordCount < check.expectedWords && check.words.every((w) => w.known) ? "neutral" : "bad";
  return (
    <p className={`share-status share-status-${tone}`} role="status">
      {empty ? (
        "No words yet."
      ) : checking || !check ? (
        "Checking…"
      ) : (
        <>
          <span aria-hidden="true">{tone === "ok" ? "✔ " : tone === "bad" ? "✖ " : ""}</span>
          {check.message}
        </>
      )}
    </p>
  );
}
