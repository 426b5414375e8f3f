import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../../errors/index.ts";
import { checkRunDatabaseWritable } from "./check-run-database-writable.ts";
import { corruptDatabase, isSqliteRefusal, runDatabaseFailure } from "./run-database-failure.ts";

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
  throw corruptDatabase(
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
 * Opens a connection; SQLite reads nothing yet. node:sqlite is loaded here, not with this module: on
 * Node 22 loading it prints an ExperimentalWarning, which a command that opens no database (`mull
 * --version`, `mull models`) must not print.
 */
function connect(
  path: string | URL,
  file: string,
  options: { readOnly: boolean; timeout: number },
): DatabaseSync {
  try {
    const sqlite = process.getBuiltinModule("node:sqlite");
    return new sqlite.DatabaseSync(path, options);
  } catch (error) {
    throw runDatabaseFailure(error, file, options);
  }
}

/**
 * Runs `PRAGMA quick_check` and returns the names of the tables.
 *
 * @throws ConfigError "database corrupt" when the check finds damage; SQLite's own errors as they are.
 */
function checkedTables(database: DatabaseSync, file: string): string[] {
  const rows = database.prepare("PRAGMA quick_check").all() as { quick_check: string }[];
  const messages = rows.map((row) => row.quick_check);
  if (messages.length !== 1 || messages[0] !== "ok")
    throw corruptDatabase(file, messages.slice(0, 3).join("; "));
  return tableNames(database);
}

/** Whether the database's write-ahead log holds writes not yet copied into it. */
function walHoldsWrites(file: string): boolean {
  const wal = `${file}-wal`;
  return existsSync(wal) && statSync(wal).size > 0;
}

/**
 * Opens a run database, checking what an existing file holds, so that a bad file is reported up front
 * instead of failing later in the middle of a run (or, worse, being written over):
 * - a file SQLite finds damaged (`PRAGMA quick_check`, `SQLITE_CORRUPT`) or not a database
 *   (`SQLITE_NOTADB`) is "database corrupt";
 * - a SQLite file with tables but none of mull's (`store_info`) is "not a mull run database", and a
 *   writer leaves it untouched;
 * - with `manifestFile` (the run directory's manifest copy), a missing, empty (0 bytes) or table-less
 *   database beside an existing manifest is "database corrupt": a run was recorded there and is gone.
 * A missing or empty file without a manifest is a new database.
 *
 * A reader (`readOnly`) creates nothing and may read a run in a folder it cannot write (a copy kept
 * read-only, a read-only mount): SQLite reads a WAL database through `-wal` and `-shm` files beside it,
 * and where it cannot create them and no write-ahead log holds writes, the file holds the whole run and
 * is read as immutable (https://www.sqlite.org/wal.html, "Read-Only Databases"). A writer is refused
 * before SQLite opens anything when the file, its `-wal` or `-shm`, or its folder cannot be written
 * (`checkRunDatabaseWritable`): SQLite would open it read-only without a word, and the run would fail at
 * its first write.
 *
 * @throws ConfigError ("database corrupt: …", "… is not a mull run database") naming the file; and,
 *   naming the path and why (permission denied, a read-only file system), for a file or folder this
 *   process may not read, or write when it writes (`runDatabaseFailure`).
 * @throws MullError when SQLite cannot open or check the file for another reason, or the disk is full
 *   or a file-size limit was hit (`diskFullError`).
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
  if (!options.readOnly) checkRunDatabaseWritable(file, "run directory");
  const connection = { readOnly: options.readOnly, timeout: options.busyTimeoutMilliseconds ?? 5000 };
  let database = connect(file, file, connection);
  if (size === undefined || size === 0) return database;
  let tables: string[];
  try {
    tables = checkedTables(database, file);
  } catch (error) {
    close(database);
    if (!options.readOnly || !isSqliteRefusal(error) || walHoldsWrites(file)) {
      throw runDatabaseFailure(error, file, options);
    }
    const immutable = pathToFileURL(resolve(file));
    immutable.searchParams.set("immutable", "1");
    database = connect(immutable, file, connection);
    try {
      tables = checkedTables(database, file);
    } catch (again) {
      close(database);
      throw runDatabaseFailure(again, file, options);
    }
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
