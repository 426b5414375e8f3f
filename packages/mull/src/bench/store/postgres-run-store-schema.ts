import type { PoolClient } from "pg";
import { ConfigError, MullError } from "../../errors/index.ts";
import { addedColumns, storeSchemaVersion } from "./run-store-schema.ts";

/**
 * The run store's tables in PostgreSQL: SQLite's tables (`run-store-schema.ts`), with many runs per
 * database, each named (`runs.name`, the `--out` of `mull bench --store`). Flags are BOOLEAN, counts that
 * may grow BIGINT (read back as numbers), JSON columns `json` (kept as written). Same keys as SQLite, so
 * that every insert is idempotent: samples on (run, problem, strategy, sample index), results on
 * (run, problem, strategy). A pair claim expires at the server's time, so that the clocks of the machines
 * sharing a run need not agree.
 */
export const postgresStoreSchema = `
CREATE TABLE IF NOT EXISTS store_info (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
  name TEXT PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  config_json JSON NOT NULL,
  manifest_json JSON NOT NULL
);

CREATE TABLE IF NOT EXISTS problems (
  run_id TEXT NOT NULL REFERENCES runs (run_id),
  problem_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  question TEXT NOT NULL,
  gold TEXT NOT NULL,
  difficulty TEXT,
  metadata_json JSON,
  PRIMARY KEY (run_id, problem_id)
);

CREATE TABLE IF NOT EXISTS results (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  seed BIGINT NOT NULL,
  answer TEXT,
  correct BOOLEAN NOT NULL,
  samples INTEGER NOT NULL,
  prompt_tokens BIGINT,
  completion_tokens BIGINT,
  calls INTEGER NOT NULL,
  score_calls INTEGER NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  stopped_by TEXT NOT NULL,
  verifier_accepted BOOLEAN,
  cached_prompt_tokens BIGINT,
  worker TEXT,
  PRIMARY KEY (run_id, problem_id, strategy),
  FOREIGN KEY (run_id, problem_id) REFERENCES problems (run_id, problem_id)
);

CREATE TABLE IF NOT EXISTS result_models (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt_tokens BIGINT,
  completion_tokens BIGINT,
  calls INTEGER NOT NULL,
  PRIMARY KEY (run_id, problem_id, strategy, model),
  FOREIGN KEY (run_id, problem_id) REFERENCES problems (run_id, problem_id)
);

CREATE TABLE IF NOT EXISTS samples (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  sample_index INTEGER NOT NULL,
  seed BIGINT NOT NULL,
  text TEXT NOT NULL,
  answer TEXT,
  correct BOOLEAN NOT NULL,
  completion_tokens BIGINT,
  finish_reason TEXT,
  logprob DOUBLE PRECISION,
  scores_json JSON,
  PRIMARY KEY (run_id, problem_id, strategy, sample_index),
  FOREIGN KEY (run_id, problem_id) REFERENCES problems (run_id, problem_id)
);

CREATE TABLE IF NOT EXISTS pair_claims (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  owner TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (run_id, problem_id, strategy)
);
`;

/** Advisory lock key that serialises schema creation between processes opening the store at once. */
const schemaLockKey = 0x6d756c6c;

/** Mull's tables and the columns of each, read from `postgresStoreSchema`. */
const storeTables: ReadonlyMap<string, readonly string[]> = new Map(
  [...postgresStoreSchema.matchAll(/CREATE TABLE IF NOT EXISTS (\w+) \(([^;]*?)\n\);/g)].map(
    ([, table, body]) => [
      table!,
      body!
        .split("\n")
        .map((line) => line.trim().split(/\s+/)[0] ?? "")
        .filter((word) => /^[a-z_]+$/.test(word)),
    ],
  ),
);

/**
 * The tables of the schema the store writes in (the first of the connection's `search_path`) that bear
 * the name of one of mull's, with their columns, in the order of mull's schema.
 */
async function tablesNamedAsStore(client: PoolClient): Promise<Map<string, string[]>> {
  const found = await client.query(
    `SELECT c.relname AS name, array_remove(array_agg(a.attname::text ORDER BY a.attnum), NULL) AS columns
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[])
     GROUP BY c.relname`,
    [[...storeTables.keys()]],
  );
  const columns = new Map(found.rows.map((row) => [row.name as string, row.columns as string[]]));
  // In the order of mull's schema, so that messages list them the same way every time.
  return new Map(
    [...storeTables.keys()].flatMap((table) => {
      const found = columns.get(table);
      return found === undefined ? [] : [[table, found] as const];
    }),
  );
}

/**
 * Why the tables named as mull's are not mull's: each one that lacks some of mull's columns, with them,
 * and `store_info` when it is absent; `undefined` when every one has them and `store_info` is there.
 */
function foreignTables(tables: ReadonlyMap<string, readonly string[]>): string | undefined {
  const reasons: string[] = [];
  for (const [table, columns] of tables) {
    const lacking = (storeTables.get(table) ?? []).filter(
      (column) =>
        !columns.includes(column) &&
        !addedColumns.some((added) => added.table === table && added.column === column),
    );
    if (lacking.length === 0) continue;
    const shown = lacking.slice(0, 4).join(", ") + (lacking.length > 4 ? ", …" : "");
    reasons.push(`${table} (columns ${columns.join(", ") || "none"}; no ${shown})`);
  }
  const named = [...tables.keys()].join(", ");
  if (reasons.length === 1) return `its table ${reasons[0]} is not mull's`;
  if (reasons.length > 1) return `its tables ${reasons.join(", ")} are not mull's`;
  if (!tables.has("store_info")) return `it holds tables named as mull's (${named}) but not its store_info`;
  return undefined;
}

/** The refusal of a database whose tables are another application's. */
function notStoreDatabase(database: string, reason: string): ConfigError {
  return new ConfigError(
    `${database} is not a mull run database: ${reason}; mull leaves it untouched: choose another ` +
      "database, or another schema with ?options=-c%20search_path%3D<schema> in the URL",
    { field: "--store" },
  );
}

/**
 * Checks what the database holds where the store keeps its tables (the schema first in the
 * connection's `search_path`); resolves false when none of mull's tables exist there (a new store).
 *
 * @param database the database for messages: its URL with the password redacted
 * @throws ConfigError naming `--store` when tables there bear mull's names but are another
 *   application's (other columns, or no `store_info` with a schema version): "not a mull run database".
 * @throws MullError when the database was written by another version of the store.
 */
export async function checkPostgresSchema(client: PoolClient, database: string): Promise<boolean> {
  const tables = await tablesNamedAsStore(client);
  if (tables.size === 0) return false;
  const info = tables.get("store_info");
  // The schema version first: another version of the store may have other columns.
  if (info?.includes("key") && info.includes("value")) {
    const version = await client.query("SELECT value FROM store_info WHERE key = 'schema_version'");
    const value = version.rows[0]?.value as string | undefined;
    if (value !== undefined && value !== String(storeSchemaVersion)) {
      throw new MullError(
        `${database} was written by another version of the store (schema ${value}, this mull reads ${storeSchemaVersion})`,
      );
    }
    const foreign = foreignTables(tables);
    if (foreign !== undefined) throw notStoreDatabase(database, foreign);
    if (value === undefined) {
      throw notStoreDatabase(database, "its table store_info records no mull schema_version");
    }
    return true;
  }
  throw notStoreDatabase(database, foreignTables(tables) ?? "its table store_info is not mull's");
}

/**
 * Creates the store's tables where absent and records or checks the schema version, in one transaction
 * under an advisory lock (several workers may open a fresh database at once). A database holding
 * another application's tables of the same names is refused before anything is created in it.
 *
 * @param database the database for messages: its URL with the password redacted
 * @throws ConfigError when tables of mull's names there are another application's.
 * @throws MullError when the database was written by another version of the store.
 */
export async function ensurePostgresSchema(client: PoolClient, database: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [schemaLockKey]);
    const exists = await checkPostgresSchema(client, database);
    // Also on an existing store: tables and columns that came later are created where absent.
    await client.query(postgresStoreSchema);
    for (const { table, column, type } of addedColumns) {
      const columnType = type === "text" ? "TEXT" : "BIGINT";
      await client.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${columnType}`);
    }
    if (!exists) {
      await client.query("INSERT INTO store_info (key, value) VALUES ('schema_version', $1)", [
        String(storeSchemaVersion),
      ]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
