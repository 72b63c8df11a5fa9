import { useState } from "react";
import { Field } from "../../components/field.tsx";

/** The contract's limit on a file's base64 text. */
const MAX_BASE64 = 200_000;

export interface PickedFile {
  name: string;
  base64: string;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable"));
    reader.readAsDataURL(file);
  });
}

/** A file the step reads (a CSR from removable media), read here and sent as base64. */
/** `autoFocus`: the picker was opened again after a failure, and choosing the file is the next thing to do. */
export function FilePicker({ id, onPicked, autoFocus = false }: { id: string; onPicked(file: PickedFile | null): void; autoFocus?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  return (
    <Field id={id} label="File for this step" hint="Choose the file from the removable medium, as the instructions say." error={error}>
      {(props) => (
        <>
          <input
            {...props}
            type="file"
            autoFocus={autoFocus}
            onChange={(e) => {
              const file = e.target.files?.[0];
              setError(null);
              setPicked(null);
              onPicked(null);
              if (!file) return;
              readAsBase64(file).then(
                (base64) => {
                  if (base64.length > MAX_BASE64) {
                    setError(`${file.name} is ${file.size} bytes, larger than a step can take (about ${Math.floor((MAX_BASE64 * 3) / 4 / 1000)} kB). Is it the right file?`);
                    return;
                  }
                  setPicked(`${file.name}, ${file.size} bytes`);
                  onPicked({ name: file.name, base64 });
                },
                () => setError(`${file.name} could not be read. Check the medium and choose it again.`),
              );
            }}
          />
          {picked ? (
            <p className="text-success">
              <span aria-hidden="true">✔ </span>Read {picked}.
            </p>
          ) : null}
        </>
      )}
    </Field>
  );
}
