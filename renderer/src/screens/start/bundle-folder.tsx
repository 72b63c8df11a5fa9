import { Field } from "../../components/field.tsx";

/** What the start screen knows of the chosen bundle folder: the text typed and the core's verdict on it. */
export interface BundleFolderState {
  dir: string;
  /** The core's sentence when the folder cannot take a bundle; null when it can or was not checked yet. */
  error: string | null;
  /** The folder as the core will use it, once checked. */
  checked: string | null;
}

/**
 * Where the bundle goes, checked before anybody signs in (docs/architecture.md, "One ceremony, as
 * data flows"): a new or empty folder this user can write, e.g. on the removable medium. Left
 * empty, the bundle goes to a new folder named after the ceremony in the workstation's bundles
 * folder, which is always new.
 */
export function BundleFolder({ state, onChange, onCheck }: { state: BundleFolderState; onChange(dir: string): void; onCheck(): void }) {
  return (
    <fieldset className="bundle-folder">
      <legend>4. Bundle folder</legend>
      <Field
        id="bundle-folder"
        label="Folder for the signed bundle"
        hint="A new or empty folder that can be written, e.g. on the removable medium; it is checked before anybody signs in. Leave it empty for a new folder in this workstation's bundles folder."
        error={state.error}
      >
        {(props) => <input {...props} type="text" value={state.dir} onChange={(e) => onChange(e.target.value)} onBlur={onCheck} spellCheck={false} autoComplete="off" />}
      </Field>
      {state.checked && !state.error ? (
        <p className="text-success">
          <span aria-hidden="true">✔ </span>
          The bundle will be written to <code>{state.checked}</code>.
        </p>
      ) : null}
    </fieldset>
  );
}
