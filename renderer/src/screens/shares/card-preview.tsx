import { useState } from "react";
import type { ResponseOf } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/**
 * The holder's card before read-back: in a rehearsal, a picture of the printed PDF; in a real
 * ceremony the card exists only on paper, so the screen says where it was printed.
 */
/** The button has focus when a holder's turn begins: showing the card is the next thing to do. */
export function CardPreview({ participantId, onShown }: { participantId: string; onShown?: () => void }) {
  const { refresh } = useOpenCeremony();
  const [preview, setPreview] = useState<ResponseOf<"cards:preview"> | null>(null);
  const loading = useApiCall();
  const show = () =>
    loading.run(async () => {
      setPreview(await call("cards:preview", { participantId }));
      await refresh();
      onShown?.();
    });
  return (
    <section className="card-preview" aria-labelledby="card-preview-heading">
      <h4 id="card-preview-heading">The card</h4>
      {preview === null ? (
        <button type="button" className="button-secondary" onClick={() => void show()} disabled={loading.pending} autoFocus>
          {loading.pending ? "Rendering the card…" : "Show the card"}
        </button>
      ) : preview.pngDataUrl ? (
        <figure>
          <img className="card-image" src={preview.pngDataUrl} alt={`Share card ${preview.card} for ${preview.holder}, rehearsal print: numbered words and a QR code`} />
          <figcaption>
            Card {preview.card} for {preview.holder} — rehearsal print ({preview.destination}).{" "}
            <button type="button" className="button-link" onClick={() => setPreview(null)}>
              Hide the card
            </button>
          </figcaption>
        </figure>
      ) : (
        <p>
          Card {preview.card} for {preview.holder} was printed to <strong>{preview.destination}</strong>. The holder takes it from the printer and reads it back below.
        </p>
      )}
      {loading.error ? <ErrorNotice error={loading.error} title="The card could not be shown" /> : null}
    </section>
  );
}
