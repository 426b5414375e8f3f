/**
 * Version of the store's tables; bumped when they change. Adding a table or a nullable column is not a
 * change: `result_models` came later, is created in older files on open, and is read as empty where a
 * result has no rows there; the columns of `addedColumns` likewise. `pair_claims` (which process is
 * running which pair, until when: `RunStore.claimPair`) came later too; readers never need it.
 */
export const storeSchemaVersion = 1;

/** A nullable column that came after its table, and what it holds: a count, or text. */
export interface AddedColumn {
  readonly table: string;
  readonly column: string;
  /** `integer`: INTEGER in SQLite, BIGINT in PostgreSQL; `text`: TEXT in both. */
  readonly type: "integer" | "text";
}

/**
 * Nullable columns that came after their tables: added to an older store when it is opened for writing,
 * never required of one (a reader of an older store takes them as NULL). `results.worker` is the queue
 * worker that computed a result (`ProblemResult.worker`), NULL for a local run's.
 */
export const addedColumns: readonly AddedColumn[] = [
  { table: "results", column: "cached_prompt_tokens", type: "integer" },
  { table: "results", column: "worker", type: "text" },
];

/**
 * The tables of a run directory's database. One run per directory today; `run_id` is in every key so
 * that databases can be merged later. Samples are keyed by (run, problem, strategy, sample index): the
 * sample's seed is a function of that key, so repeated samples of one problem are never collapsed. A
 * pair claim's `expires_at` is in milliseconds since the epoch.
 */
export const storeSchema = `
CREATE TABLE IF NOT EXISTS store_info (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  config_json TEXT NOT NULL,
  manifest_json TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS problems (
  run_id TEXT NOT NULL REFERENCES runs (run_id),
  problem_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  question TEXT NOT NULL,
  gold TEXT NOT NULL,
  difficulty TEXT,
  metadata_json TEXT,
  PRIMARY KEY (run_id, problem_id)
) STRICT;

CREATE TABLE IF NOT EXISTS results (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  seed INTEGER NOT NULL,
  answer TEXT,
  correct INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  calls INTEGER NOT NULL,
  score_calls INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  stopped_by TEXT NOT NULL,
  verifier_accepted INTEGER,
  cached_prompt_tokens INTEGER,
  worker TEXT,
  PRIMARY KEY (run_id, problem_id, strategy),
  FOREIGN KEY (run_id, problem_id) REFERENCES problems (run_id, problem_id)
) STRICT;

CREATE TABLE IF NOT EXISTS result_models (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  calls INTEGER NOT NULL,
  PRIMARY KEY (run_id, problem_id, strategy, model),
  FOREIGN KEY (run_id, problem_id) REFERENCES problems (run_id, problem_id)
) STRICT;

CREATE TABLE IF NOT EXISTS samples (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  sample_index INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  text TEXT NOT NULL,
  answer TEXT,
  correct INTEGER NOT NULL,
  completion_tokens INTEGER,
  finish_reason TEXT,
  logprob REAL,
  scores_json TEXT,
  PRIMARY KEY (run_id, problem_id, strategy, sample_index),
  FOREIGN KEY (run_id, problem_id) REFERENCES problems (run_id, problem_id)
) STRICT;

CREATE TABLE IF NOT EXISTS pair_claims (
  run_id TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, problem_id, strategy)
) STRICT;
`;
