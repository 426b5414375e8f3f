import { existsSync, readFileSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { ConfigError, MullError } from "../../errors/index.ts";
import { diskFullError } from "../../runtime/index.ts";

function corrupt(file: string, detail: string, cause?: unknown): ConfigError {
  return new ConfigError(`database corrupt: ${file}: ${detail}`, { cause });
}

/** The run a manifest copy names, for messages; `undefined` when it cannot be read. */
function manifestRunId(manifestFile: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifestFile, "utf8")) as { runId?: unknown };
    return typeof parsed.runId === "string" ? parsed.runId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a missing or empty database beside a manifest copy: the manifest is written only once the run
 * is in the database, so the run's results are gone, and starting a new run there would hide that.
 */
function refuseLostDatabase(file: string, manifestFile: string | undefined, state: string): void {
  if (manifestFile === undefined || !existsSync(manifestFile)) return;
  const runId = manifestRunId(manifestFile);
  throw corrupt(
    file,
    `the file ${state}, but ${manifestFile} records ${runId === undefined ? "a run" : `run ${runId}`} there; ` +
      "its results are not in the database. Restore the file, or start the run again in another directory",
  );
}

function close(database: DatabaseSync): void {
  if (database.isOpen) database.close();
}

/** Names of the tables in an open database. */
function tableNames(database: DatabaseSync): string[] {
  const rows = database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((row) => row.name);
}

/**
 * Opens a run database, checking what an existing file holds, so that a bad file is reported up front
 * instead of failing later in the middle of a run (or, worse, being written over):
 * - a file that fails `PRAGMA quick_check` (truncated, damaged, not SQLite) is "database corrupt";
 * - a SQLite file with tables but none of mull's (`store_info`) is "not a mull run database", and a
 *   writer leaves it untouched;
 * - with `manifestFile` (the run directory's manifest copy), a missing, empty (0 bytes) or table-less
 *   database beside an existing manifest is "database corrupt": a run was recorded there and is gone.
 * A missing or empty file without a manifest is a new database.
 *
 * @throws ConfigError ("database corrupt: …", "… is not a mull run database") naming the file.
 * @throws MullError when SQLite cannot open the file at all, or the disk is full or a file-size limit
 *   was hit (`diskFullError`).
 * @example
 * const database = openRunDatabase("runs/gsm8k/bench.sqlite", {
 *   readOnly: true,
 *   manifestFile: "runs/gsm8k/manifest.json",
 * });
 */
export function openRunDatabase(
  file: string,
  options: {
    readOnly: boolean;
    busyTimeoutMilliseconds?: number | undefined;
    /** The manifest copy beside the database; its presence says a run was recorded. */
    manifestFile?: string | undefined;
  },
): DatabaseSync {
  const size = existsSync(file) ? statSync(file).size : undefined;
  if (size === undefined || size === 0) {
    refuseLostDatabase(
      file,
      options.manifestFile,
      size === undefined ? "does not exist" : "is empty (0 bytes)",
    );
  }
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
  if (size === undefined || size === 0) return database;
  let tables: string[];
  try {
    const rows = database.prepare("PRAGMA quick_check").all() as { quick_check: string }[];
    const messages = rows.map((row) => row.quick_check);
    if (messages.length !== 1 || messages[0] !== "ok") throw corrupt(file, messages.slice(0, 3).join("; "));
    tables = tableNames(database);
  } catch (error) {
    close(database);
    if (MullError.isInstance(error)) throw error;
    // The check writes the WAL index beside the file: no room for it is not a damaged database.
    throw (
      diskFullError(error, file) ??
      corrupt(file, error instanceof Error ? error.message : String(error), error)
    );
  }
  if (tables.length === 0) {
    try {
      refuseLostDatabase(file, options.manifestFile, "holds no tables");
    } catch (error) {
      close(database);
      throw error;
    }
  } else if (!tables.includes("store_info")) {
    close(database);
    const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? ", …" : "");
    throw new ConfigError(
      `${file} is not a mull run database: it holds the tables ${shown}, and none of mull's (store_info, runs); ` +
        "mull leaves it untouched: choose another directory",
    );
  }
  return database;
}
