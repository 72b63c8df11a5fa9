import { useEffect, useState } from "react";
import type { ResponseOf } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";

/** A bundle from this workstation's list, or any folder by path (e.g. on a write-once disc). */
export function BundlePicker({ initialDir, pending, onVerify }: { initialDir: string | null; pending: boolean; onVerify(dir: string): void }) {
  const [bundles, setBundles] = useState<ResponseOf<"bundle:list">>([]);
  const [dir, setDir] = useState(initialDir ?? "");
  const listing = useApiCall();
  const { run } = listing;
  useEffect(() => {
    void run(async () => setBundles(await call("bundle:list", {})));
  }, [run]);
  return (
    <form
      className="bundle-picker panel"
      aria-labelledby="bundle-picker-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (dir.trim()) onVerify(dir.trim());
      }}
    >
      <h2 id="bundle-picker-heading">Choose a bundle</h2>
      <div className="bundle-picker-fields">
        <Field id="bundle-list" label="Bundles on this workstation" hint={bundles.length ? "Newest first." : "None yet: finish a ceremony, or type a path."}>
          {(props) => (
            <select {...props} value={bundles.some((b) => b.dir === dir) ? dir : ""} onChange={(e) => setDir(e.target.value)} disabled={bundles.length === 0}>
              <option value="">Choose a bundle…</option>
              {bundles.map((b) => (
                <option key={b.dir} value={b.dir}>
                  {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="bundle-path" label="Or the bundle folder’s path" hint="A folder holding transcript.json, transcript.dsse.json, signer.pub.pem and manifest.json.">
          {(props) => <input {...props} type="text" value={dir} onChange={(e) => setDir(e.target.value)} spellCheck={false} autoComplete="off" />}
        </Field>
      </div>
      {listing.error ? <ErrorNotice error={listing.error} title="The bundles could not be listed" /> : null}
      <button type="submit" className="button-primary button-large" disabled={!dir.trim() || pending}>
        {pending ? "Verifying…" : "Verify this bundle"}
      </button>
    </form>
  );
}
