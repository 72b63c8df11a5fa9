import { useEffect, useState } from "react";
import type { CeremonyView, VerificationView } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { CopyHighlight, PaperCopyNote, PgpWords } from "../../components/read-aloud.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { formatFingerprint } from "../../../../src/common/index.ts";

/** As the printed script's closing blanks ask (src/ceremony/paper-script.ts). */
const HEAD_DIGITS = 8;
const FINGERPRINT_DIGITS = 16;

/**
 * The end of the ceremony on the projector: VERIFIED or ABORTED in one word, the transcript
 * signer's fingerprint in hex groups and PGP words (what everyone signs under on the witness
 * sheet), and the final journal head, each with the part to copy marked.
 */
export function WitnessFinished({ view }: { view: CeremonyView }) {
  const [verification, setVerification] = useState<VerificationView | null>(null);
  const bundleDir = view.bundleDir;
  useEffect(() => {
    if (!bundleDir) return;
    let current = true;
    call("bundle:verify", { dir: bundleDir }).then(
      (v) => current && setVerification(v),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [bundleDir]);

  const aborted = view.phase === "aborted";
  const word = aborted ? "ABORTED" : verification === null ? "CHECKING…" : verification.ok ? "VERIFIED" : "NOT VERIFIED";
  const tone = aborted ? "verdict-aborted" : verification?.ok ? "verdict-ok" : verification ? "verdict-failed" : "";
  return (
    <>
      <div className="witness-finished-header">
        <ScreenHeading eyebrow={`Witness view · ${view.title}`}>{aborted ? "Ceremony aborted" : "Ceremony complete"}</ScreenHeading>
        <p className={`witness-verdict ${tone}`} role="status">
          <span aria-hidden="true">{aborted ? "■ " : verification?.ok ? "✔ " : ""}</span>
          {word}
        </p>
      </div>
      {aborted ? <p className="witness-big">Reason: {view.abortReason ?? "none recorded"}</p> : null}
      {aborted && verification?.ok ? <p className="witness-note">The signed transcript is genuine and records this abort.</p> : null}
      {verification && !verification.ok ? <p className="witness-note">{verification.failures.length} checks failed: do not sign the witness sheet; the officer's screen lists them.</p> : null}
      <dl className="witness-final">
        {verification?.signer ? (
          <div>
            <dt>
              Transcript signer fingerprint (SPKI SHA-256)
              <PaperCopyNote what={`first ${FINGERPRINT_DIGITS} hex digits`} />
            </dt>
            <dd>
              <span className="read-aloud-hex">
                <CopyHighlight text={verification.signer.hexGroups} digits={FINGERPRINT_DIGITS} />
              </span>
              <PgpWords words={verification.signer.words} marked={FINGERPRINT_DIGITS / 2} />
            </dd>
          </div>
        ) : (
          <div>
            <dt>Transcript signer fingerprint</dt>
            <dd className="witness-note">{bundleDir ? "Reading the bundle…" : "Shown when the officer has signed the transcript."}</dd>
          </div>
        )}
        <div>
          <dt>
            Final journal head · {view.eventCount} events
            <PaperCopyNote what={`first ${HEAD_DIGITS} hex digits`} />
          </dt>
          <dd className="read-aloud-hex witness-head">
            <CopyHighlight text={formatFingerprint(view.head)} digits={HEAD_DIGITS} />
          </dd>
        </div>
      </dl>
    </>
  );
}
