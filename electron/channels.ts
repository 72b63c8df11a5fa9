/**
 * The one IPC channel that is not a contract entry: main pushes ProgressEvent objects on it and
 * the preload hands their payload (never the IPC event) to window.ceremony.onProgress listeners.
 * Contract channels are "domain:verb" too, so a test checks that none of them takes this name.
 */
export const PROGRESS_CHANNEL = "ceremony:progress";
