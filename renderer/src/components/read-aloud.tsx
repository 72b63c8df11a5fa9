import type { OutputView } from "../../../src/api/contract.ts";

/** PGP words in read-aloud order, numbered so the room can say "word seven". */
export function PgpWords({ words }: { words: string[] }) {
  return (
    <ol className="pgp-words">
      {words.map((word, i) => (
        <li key={i}>{word}</li>
      ))}
    </ol>
  );
}

/** One output of a step, large enough to read across the room. */
export function ReadAloudOutput({ output }: { output: OutputView }) {
  const grouped = output.hexGroups ?? null;
  return (
    <div className={`read-aloud read-aloud-kind-${output.kind}`}>
      <dt>{output.label}</dt>
      <dd>
        {grouped ? <span className="read-aloud-hex">{grouped}</span> : <span className="read-aloud-text">{output.value}</span>}
        {output.words && output.words.length > 0 ? (
          <>
            <span className="visually-hidden">As PGP words:</span>
            <PgpWords words={output.words} />
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
