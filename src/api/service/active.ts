import type { RehearsalCardSink, PrinterCardSink } from "../../ceremony/card-sinks.ts";
import type { CeremonyRunner } from "../../ceremony/runner.ts";
import type { RehearsalEnvironment } from "../../hsm/index.ts";

/** The one open ceremony: its runner, a rehearsal's throwaway token, where its cards go. Everything durable is in the journal. */
export interface ActiveCeremony {
  runner: CeremonyRunner;
  env: RehearsalEnvironment | null;
  sink: RehearsalCardSink | PrinterCardSink;
  /** Holders whose card was shown on screen (read-back), by participant ID. */
  previews: Set<string>;
  running: boolean;
  bundleDir: string | null;
  /** Where the bundle is to be written: checked at the start, changed only by a finish to another folder. */
  outDir: string;
  /** Why the last finish failed (shown until one succeeds). */
  finishError: { code: string; message: string } | null;
  /** A recovery's card set (its bundle's split), read at the start, so the recovery screen names it. */
  recoverySource: { keyLabel: string; setId: string; k: number; n: number; bundleDir: string } | null;
}
