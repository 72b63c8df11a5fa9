import type { VerificationView } from "../../../../src/api/contract.ts";
import { formatOutputDetail, isHexDetail } from "../../../../src/common/index.ts";

const KIND_TITLES: Record<string, string> = {
  certificate: "Certificate",
  "public-key": "Public key",
  kcv: "Key check values",
  "wrapped-key": "Wrapped key (escrow)",
  "share-fingerprints": "Share card fingerprints",
  crl: "CRL",
  csr: "CSR",
};

/** What the ceremony produced: certificates with fingerprints, KCVs, share fingerprints. */
export function BundleOutputs({ outputs }: { outputs: VerificationView["outputs"] }) {
  if (outputs.length === 0) return null;
  return (
    <section className="bundle-outputs" aria-labelledby="outputs-heading">
      <h2 id="outputs-heading">Outputs ({outputs.length})</h2>
      <div className="output-cards">
        {[...outputs].sort((a, b) => kindRank(a.kind) - kindRank(b.kind)).map((o, i) => (
          <article key={i} className="output-card panel" aria-labelledby={`output-${i}`}>
            <h3 id={`output-${i}`}>
              {KIND_TITLES[o.kind] ?? o.kind}: {o.label}
            </h3>
            {o.file ? (
              <p>
                File <code>{o.file}</code>
              </p>
            ) : null}
            <dl className="output-details">
              {Object.entries(o.details).map(([key, value]) => (
                <div key={key}>
                  <dt>{key}</dt>
                  <dd className={isHexDetail(key, value) ? "mono" : undefined}>{formatOutputDetail(key, value)}</dd>
                </div>
              ))}
            </dl>
          </article>
        ))}
      </div>
    </section>
  );
}

/** Certificates first: they are what the online system imports and auditors look for. */
function kindRank(kind: string): number {
  const i = Object.keys(KIND_TITLES).indexOf(kind);
  return i === -1 ? Object.keys(KIND_TITLES).length : i;
}
