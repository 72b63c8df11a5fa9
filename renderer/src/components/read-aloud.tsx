import type { OutputView } from "../../../src/api/contract.ts";

/** PGP words in read-aloud order, numbered so the room can say "word seven". */
export function PgpWords({ words, marked = 0 }: { words: string[]; marked?: number }) {
  return (
    <ol className="pgp-words">
      {words.map((word, i) => (
        <li key={i} className={i < marked ? "copy-word" : undefined}>
          {word}
        </li>
      ))}
    </ol>
  );
}

/**
 * Grouped hex with its first `digits` hex digits marked: exactly what the printed script's blank
 * asks witnesses to copy. Without `digits` the whole value is marked.
 */
export function CopyHighlight({ text, digits }: { text: string; digits?: number }) {
  let cut = text.length;
  if (digits !== undefined) {
    let seen = 0;
    cut = 0;
    while (cut < text.length && seen < digits) {
      if (/[0-9a-f]/i.test(text[cut]!)) seen += 1;
      cut += 1;
    }
  }
  return (
    <>
      <mark className="copy-digits">{text.slice(0, cut)}</mark>
      {text.slice(cut)}
    </>
  );
}

/** "Write on the paper script: first 16 hex digits (marked)". */
export function PaperCopyNote({ what }: { what: string }) {
  return (
    <span className="paper-copy-note">
      <span aria-hidden="true">✎ </span>Write on the paper script: {what} (marked)
    </span>
  );
}

/** One output of a step, large enough to read across the room. */
export function ReadAloudOutput({ output }: { output: OutputView }) {
  const grouped = output.hexGroups ?? null;
  const paper = output.paper;
  const shown = grouped ?? output.value;
  return (
    <div className={`read-aloud read-aloud-kind-${output.kind}`}>
      <dt>
        {output.label}
        {paper ? <PaperCopyNote what={paper.copy} /> : null}
      </dt>
      <dd>
        <span className={grouped ? "read-aloud-hex" : "read-aloud-text"}>{paper ? <CopyHighlight text={shown} digits={paper.digits} /> : shown}</span>
        {output.words && output.words.length > 0 ? (
          <>
            <span className="visually-hidden">As PGP words:</span>
            {/* One PGP word per byte: the words for the digits to copy are marked too. */}
            <PgpWords words={output.words} marked={paper?.digits !== undefined ? paper.digits / 2 : 0} />
          </>
        ) : null}
      </dd>
    </div>
  );
}

export function ReadAloudOutputs({ outputs, heading = "Read aloud" }: { outputs: OutputView[]; heading?: string }) {
  if (outputs.length === 0) return null;
  return (
    <section className="read-aloud-list" aria-label={heading}>
      <h2>{heading}</h2>
      <dl>
        {outputs.map((o) => (
          <ReadAloudOutput key={o.name} output={o} />
        ))}
      </dl>
    </section>
  );
}
