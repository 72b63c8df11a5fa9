import type BetterSqlite3 from "better-sqlite3";

/**
 * One schema step. Each lives in its own file (Signal-Desktop's habit) and is never edited once
 * shipped: journals written by older versions are migrated forward, step by step, on open.
 */
export interface Migration {
  /** Becomes PRAGMA user_version after `up` has run. */
  readonly version: number;
  readonly name: string;
  up(db: BetterSqlite3.Database): void;
}
