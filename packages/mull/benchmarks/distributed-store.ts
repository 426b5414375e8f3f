/**
 * Where the distributed benchmark stores its queued runs: run directories (SQLite, the default) or named
 * runs in a fresh schema of a PostgreSQL database (`--store postgres://…`), dropped at the end. Both give
 * the rows the benchmark counts and a dump comparable across backends (`readRunData` without run ids and
 * latencies).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Pool } from "pg";
import { openRunStore, parseRunLocation, type RunLocation, redactUrl } from "../src/bench/store/index.ts";
import { openPostgresPool } from "../src/bench/store/open-postgres-pool.ts";
import { ConfigError, MullError } from "../src/errors/index.ts";

/** What the benchmark counts in a run. */
export type RunCount = "results" | "samples" | "duplicatedResults" | "samplesWithoutResult";

/** The store of the benchmark's queued runs. */
export interface DistributedStore {
  /** For the printout: `SQLite run directories`, or the redacted URL and schema. */
  readonly label: string;
  /** `mull bench` flags that put the run `name` there. */
  benchArgs(name: string): string[];
  /** `mull worker` flags for it. */
  readonly workerArgs: readonly string[];
  count(name: string, what: RunCount): Promise<number>;
  /** The run's results (without latencies) and samples, as JSON. */
  dump(name: string): Promise<string>;
  close(): Promise<void>;
}

const sqliteCounts: Record<RunCount, string> = {
  results: "SELECT count(*) AS n FROM results",
  samples: "SELECT count(*) AS n FROM samples",
  duplicatedResults:
    "SELECT count(*) AS n FROM (SELECT 1 FROM results GROUP BY run_id, problem_id, strategy HAVING count(*) > 1)",
  samplesWithoutResult:
    "SELECT count(*) AS n FROM samples s LEFT JOIN results r USING (run_id, problem_id, strategy) WHERE r.problem_id IS NULL",
};

/** The same counts in PostgreSQL, for the run named $1. */
const postgresCounts: Record<RunCount, string> = {
  results: "SELECT count(*) AS n FROM results JOIN runs USING (run_id) WHERE runs.name = $1",
  samples: "SELECT count(*) AS n FROM samples JOIN runs USING (run_id) WHERE runs.name = $1",
  duplicatedResults:
    "SELECT count(*) AS n FROM (SELECT 1 FROM results JOIN runs USING (run_id) WHERE runs.name = $1 " +
    "GROUP BY run_id, problem_id, strategy HAVING count(*) > 1) d",
  samplesWithoutResult:
    "SELECT count(*) AS n FROM samples s JOIN runs USING (run_id) LEFT JOIN results r " +
    "USING (run_id, problem_id, strategy) WHERE runs.name = $1 AND r.problem_id IS NULL",
};

/** A run's results (without latencies and the workers that computed them) and samples as JSON, from either backend. */
export async function dumpRun(location: RunLocation): Promise<string> {
  const store = await openRunStore(location);
  try {
    const data = await store.readRunData();
    return JSON.stringify([
      data.results.map(({ latencyMilliseconds: _latency, worker: _worker, ...rest }) => rest),
      data.samples,
    ]);
  } finally {
    await store.close();
  }
}

/** Run directories under `workspace`. */
export function sqliteStore(workspace: string): DistributedStore {
  return {
    label: "SQLite run directories",
    benchArgs: (name) => ["--out", join(workspace, name)],
    workerArgs: [],
    async count(name, what) {
      const file = join(workspace, name, "bench.sqlite");
      if (!existsSync(file)) return 0;
      const database = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
      try {
        return (database.prepare(sqliteCounts[what]).get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        database.close();
      }
    },
    dump: (name) => dumpRun(parseRunLocation(join(workspace, name))),
    close: async () => undefined,
  };
}

/** A pool on `url`, or a ConfigError naming `--store` with the reason (the password redacted). */
async function openStorePool(url: string): Promise<Pool> {
  try {
    return await openPostgresPool(url, { maxConnections: 2 });
  } catch (error) {
    if (!MullError.isInstance(error)) throw error;
    throw new ConfigError(`--store: ${error.message}`, { field: "--store", cause: error });
  }
}

/**
 * Named runs in a fresh schema (`mull_distributed_<random>`) of the database at `url`, which the URL's
 * user may create; workers get the URL (with its password) through `--store`. The database is reached
 * here, before anything else starts.
 *
 * @throws ConfigError naming `--store` and the URL with its password redacted when the database cannot
 *   be reached or the schema cannot be created there.
 */
export async function postgresStore(url: string): Promise<DistributedStore> {
  const schema = `mull_distributed_${randomBytes(4).toString("hex")}`;
  const admin = await openStorePool(url);
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    const shown = redactUrl(url);
    const detail = (error instanceof Error ? error.message : String(error)).replaceAll(url, shown);
    throw new ConfigError(`--store: cannot create schema ${schema} in ${shown}: ${detail}`, {
      field: "--store",
      cause: error,
    });
  }
  const scoped = new URL(url);
  scoped.searchParams.set("options", `-c search_path=${schema}`);
  const storeUrl = scoped.toString();
  let pool: Pool;
  try {
    pool = await openStorePool(storeUrl);
  } catch (error) {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw error;
  }
  return {
    label: `PostgreSQL ${redactUrl(url)}, schema ${schema}`,
    benchArgs: (name) => ["--out", name, "--store", storeUrl],
    workerArgs: ["--store", storeUrl],
    async count(name, what) {
      try {
        return Number((await pool.query(postgresCounts[what], [name])).rows[0]?.n ?? 0);
      } catch {
        // Before the first run creates the tables.
        return 0;
      }
    },
    dump: (name) => dumpRun(parseRunLocation(name, storeUrl)),
    async close() {
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}
