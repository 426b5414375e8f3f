import { UsageError } from "./usage-error.ts";

/**
 * Refuses an empty `--store`: left empty (an unset variable, `--store "$STORE"`), the run would go to a
 * directory without a word, as if no store had been given.
 *
 * @throws UsageError naming the field and what it takes.
 * @example
 * refuseEmptyStore(flags.store, "--store");
 */
export function refuseEmptyStore(store: string | undefined, field: string): void {
  if (store !== "") return;
  throw new UsageError(
    `${field} "": expected a PostgreSQL URL such as postgres://user:password@host:5432/database ` +
      `(leave ${field} out for a run directory)`,
    field,
  );
}
