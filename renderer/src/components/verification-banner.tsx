import type { VerificationView } from "../../../src/api/contract.ts";

/**
 * The auditor's answer in one word, then every failure with where it is. A genuine transcript of
 * an aborted ceremony is never shown in the success colour: what it proves is that the ceremony
 * stopped, not that it produced anything to use.
 */
export function VerificationBanner({ verification }: { verification: Pick<VerificationView, "ok" | "failures" | "dir" | "ceremony"> }) {
  const aborted = verification.ok && verification.ceremony?.status === "aborted";
  const tone = !verification.ok ? "verdict-failed" : aborted ? "verdict-aborted" : "verdict-ok";
  return (
    <section className={`verdict ${tone}`} aria-labelledby="verdict-heading" role="status">
      <h2 id="verdict-heading" className="verdict-word">
        <span aria-hidden="true">{!verification.ok ? "✖ " : aborted ? "■ " : "✔ "}</span>
        {!verification.ok ? "NOT VERIFIED" : aborted ? "VERIFIED — ABORTED CEREMONY" : "VERIFIED"}
      </h2>
      <p className="verdict-dir">
        Bundle: <code>{verification.dir}</code>
      </p>
      {aborted ? (
        <p>The transcript is genuine, and it records a ceremony that was aborted: nothing it made may be used as if the ceremony had finished.</p>
      ) : verification.ok ? (
        <p>Every check passed: signature, manifest, journal chain and checkpoint, script and outputs.</p>
      ) : (
        <>
          <p>
            {verification.failures.length} {verification.failures.length === 1 ? "check failed" : "checks failed"}:
          </p>
          <ul className="failure-list">
            {verification.failures.map((f, i) => (
              <li key={i}>
                <code className="failure-code">{f.code}</code> {f.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
