import { existsSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { MullError } from "../../errors/index.ts";

function corrupt(file: string, detail: string, cause?: unknown): MullError {
  return new MullError(`database corrupt: ${file}: ${detail}`, { cause });
}

/**
 * Opens a run database, checking an existing file with `PRAGMA quick_check` so that a truncated or
 * damaged file is reported as "database corrupt" instead of failing later in the middle of a run.
 */
export function openRunDatabase(
  file: string,
  options: { readOnly: boolean; busyTimeoutMilliseconds?: number | undefined },
): DatabaseSync {
  const existed = existsSync(file) && statSync(file).size > 0;
  let database: DatabaseSync;
  try {
    database = new DatabaseSync(file, {
      readOnly: options.readOnly,
      timeout: options.busyTimeoutMilliseconds ?? 5000,
    });
  } catch (error) {
    throw new MullError(`cannot open ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (existed) {
    try {
      const rows = database.prepare("PRAGMA quick_check").all() as { quick_check: string }[];
      const messages = rows.map((row) => row.quick_check);
      if (messages.length !== 1 || messages[0] !== "ok") {
        database.close();
        throw corrupt(file, messages.slice(0, 3).join("; "));
      }
    } catch (error) {
      if (MullError.isInstance(error)) throw error;
      database.close();
      throw corrupt(file, error instanceof Error ? error.message : String(error), error);
    }
  }
  return database;
}
