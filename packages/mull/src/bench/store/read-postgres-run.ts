import type { PoolClient } from "pg";
import type { RunData } from "../run-data.ts";
import { type Row, runDataFromRows } from "./read-run-data.ts";

/**
 * Reads a whole run from PostgreSQL in the order SQLite gives it (`RunRows`): strings sorted with
 * `COLLATE "C"`, bytewise like SQLite, whatever the database's collation. Call it inside a repeatable
 * read transaction so that the rows come from one snapshot while workers keep writing.
 * Resolves `undefined` when the database holds no run of that name.
 */
export async function readPostgresRun(client: PoolClient, name: string): Promise<RunData | undefined> {
  const run = await client.query("SELECT run_id, config_json, manifest_json FROM runs WHERE name = $1", [
    name,
  ]);
  const runRow = run.rows[0] as Row | undefined;
  if (runRow === undefined) return undefined;
  const runId = runRow.run_id as string;
  const rows = async (sql: string) => (await client.query(sql, [runId])).rows as Row[];
  return runDataFromRows({
    manifest: runRow.manifest_json,
    config: runRow.config_json,
    problems: await rows(
      "SELECT problem_id, question, gold, difficulty FROM problems WHERE run_id = $1 ORDER BY position",
    ),
    models: await rows('SELECT * FROM result_models WHERE run_id = $1 ORDER BY model COLLATE "C"'),
    results: await rows(
      `SELECT r.* FROM results r JOIN problems p USING (run_id, problem_id)
       WHERE r.run_id = $1 ORDER BY p.position, r.strategy COLLATE "C"`,
    ),
    samples: await rows(
      `SELECT s.* FROM samples s JOIN problems p USING (run_id, problem_id)
       WHERE s.run_id = $1 ORDER BY p.position, s.strategy COLLATE "C", s.sample_index`,
    ),
  });
}
