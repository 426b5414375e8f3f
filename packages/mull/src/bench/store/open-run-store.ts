import { openPostgresRunStore } from "./postgres-run-store.ts";
import type { RunLocation } from "./run-location.ts";
import type { RunStore, RunStoreOptions } from "./run-store.ts";
import { openSqliteRunStore } from "./sqlite-run-store.ts";

/**
 * Opens (or creates) the store of a run location: `bench.sqlite` in a directory (a plain string is a
 * directory), or a named run in a PostgreSQL database (`parseRunLocation`). A SQLite writer holds the
 * directory's lock (`acquireRunLock`); PostgreSQL writers need none.
 *
 * @throws MullError when the SQLite file is corrupt, the server cannot be reached, or the store was
 *   written by another schema version.
 * @example
 * const store = await openRunStore(parseRunLocation("gsm8k-sc8", "postgres://mull@db/runs"));
 * const done = await store.completedPairs();
 * await store.close();
 */
export async function openRunStore(
  location: RunLocation | string,
  options: RunStoreOptions = {},
): Promise<RunStore> {
  const where: RunLocation =
    typeof location === "string" ? { kind: "sqlite", directory: location } : location;
  return where.kind === "sqlite"
    ? openSqliteRunStore(where.directory, options)
    : openPostgresRunStore(where, options);
}
