import type { PoolClient } from "pg";
import { MullError } from "../../errors/index.ts";
import { storeSchemaVersion } from "./run-store-schema.ts";

/**
 * The run store's tables in PostgreSQL: SQLite's tables (`run-store-schema.ts`), with many runs per
 * database, each named (`runs.name`, the `--out` of `mull bench --store`). Flags are BOOLEAN, counts that
 * may grow BIGINT (read back as numbers), JSON columns `json` (kept as written). Same keys as SQLite, so
 * that every insert is idempotent: samples on (run, problem, strategy, sample index), results on
 * (run, problem, strategy).
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
`;

/** Advisory lock key that serialises schema creation between processes opening the store at once. */
const schemaLockKey = 0x6d756c6c;

/**
 * Checks the schema version of an existing store; resolves false when the tables do not exist.
 *
 * @throws MullError when the database was written by another version of the store.
 */
export async function checkPostgresSchema(client: PoolClient, label: string): Promise<boolean> {
  const exists = await client.query("SELECT to_regclass('store_info') IS NOT NULL AS found");
  if (exists.rows[0]?.found !== true) return false;
  const version = await client.query("SELECT value FROM store_info WHERE key = 'schema_version'");
  const value = version.rows[0]?.value as string | undefined;
  if (value !== undefined && value !== String(storeSchemaVersion)) {
    throw new MullError(
      `${label} was written by another version of the store (schema ${value}, this mull reads ${storeSchemaVersion})`,
    );
  }
  return value !== undefined;
}

/**
 * Creates the store's tables where absent and records or checks the schema version, in one transaction
 * under an advisory lock (several workers may open a fresh database at once).
 *
 * @throws MullError when the database was written by another version of the store.
 */
export async function ensurePostgresSchema(client: PoolClient, label: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [schemaLockKey]);
    await client.query(postgresStoreSchema);
    await client.query(
      "INSERT INTO store_info (key, value) VALUES ('schema_version', $1) ON CONFLICT DO NOTHING",
      [String(storeSchemaVersion)],
    );
    await checkPostgresSchema(client, label);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
