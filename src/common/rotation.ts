/**
 * Which ceremony rotates a key, by the purpose the key inventory records: the rotation due date
 * drives work, so `ceremony keys` and the start screen name the script to run (issue 15). Pure,
 * so the CLI and the renderer name the same script.
 */
const ROTATION_SCRIPTS: Readonly<Record<string, string>> = {
  // A root CA key: a new root and cross-certificates (ceremony-scripts/root-rotation.yaml).
  "ca-signing": "root-rotation.yaml",
  // A master key (KEK): a new KEK, the old one destroyed after an overlap (kek-rotation.yaml).
  kek: "kek-rotation.yaml",
};

/** The script file that rotates a key of `purpose`, or null when no ceremony rotates that kind. */
export function rotationScriptFor(purpose: string): string | null {
  return ROTATION_SCRIPTS[purpose] ?? null;
}

/** Whether a key in this rotation status needs its rotation ceremony now or soon. */
export function rotationIsDue(status: string): status is "due-soon" | "overdue" {
  return status === "due-soon" || status === "overdue";
}
