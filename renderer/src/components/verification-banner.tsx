import type { VerificationView } from "../../../src/api/contract.ts";

/** The auditor's answer in one word, then every failure with where it is. */
export function VerificationBanner({ verification }: { verification: Pick<VerificationView, "ok" | "failures" | "dir"> }) {
  return (
    <section className={`verdict ${verification.ok ? "verdict-ok" : "verdict-failed"}`} aria-labelledby="verdict-heading" role="status">
      <h2 id="verdict-heading" className="verdict-word">
        <span aria-hidden="true">{verification.ok ? "✔ " : "✖ "}</span>
        {verification.ok ? "VERIFIED" : "NOT VERIFIED"}
      </h2>
      <p className="verdict-dir">
        Bundle: <code>{verification.dir}</code>
      </p>
      {verification.ok ? (
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
