import type { PoolClient } from "pg";
import { MullError } from "../../errors/index.ts";
import type { RunData, RunManifest, SampleRecord } from "../run-data.ts";
import { inTransaction, openPostgresPool, withPoolClient } from "./open-postgres-pool.ts";
import { postgresPairClaims } from "./postgres-pair-claims.ts";
import { ensurePostgresSchema } from "./postgres-run-store-schema.ts";
import { readPostgresRun } from "./read-postgres-run.ts";
import { describeRunLocation, redactUrl } from "./run-location.ts";
import { pairKey, type ResultRecord, type RunStore, type RunStoreOptions } from "./run-store.ts";

/** A named run's store in a PostgreSQL database. */
export interface PostgresRunStore extends RunStore {
  readonly location: { readonly kind: "postgres"; readonly url: string; readonly name: string };
}

const snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

async function insertSamples(
  client: PoolClient,
  runId: string,
  result: ResultRecord,
  samples: readonly SampleRecord[],
): Promise<void> {
  if (samples.length === 0) return;
  await client.query(
    `INSERT INTO samples (run_id, problem_id, strategy, seed, sample_index, text, answer, correct,
       completion_tokens, finish_reason, logprob, scores_json)
     SELECT $1, $2, $3, $4, * FROM unnest($5::integer[], $6::text[], $7::text[], $8::boolean[],
       $9::bigint[], $10::text[], $11::double precision[], $12::json[])
     ON CONFLICT DO NOTHING`,
    [
      runId,
      result.problemId,
      result.strategy,
      result.seed,
      samples.map((sample) => sample.sampleIndex),
      samples.map((sample) => sample.text),
      samples.map((sample) => sample.answer ?? null),
      samples.map((sample) => sample.correct),
      samples.map((sample) => sample.completionTokens ?? null),
      samples.map((sample) => sample.finishReason ?? null),
      samples.map((sample) => sample.logprob ?? null),
      samples.map((sample) => (sample.scores === undefined ? null : JSON.stringify(sample.scores))),
    ],
  );
}

/**
 * Opens the store of run `name` in a PostgreSQL database, creating the tables where absent (with a
 * schema version check). Unlike SQLite there is no exclusive lock: several processes (queue workers on
 * several machines) may record results of the same run at once; each result and its samples are written
 * in one transaction, result first, so that a pair recorded twice at once is stored exactly once.
 *
 * @throws ConfigError naming `--store` when the database holds another application's tables of the
 *   store's names (a `runs` table of its own, say): it is refused before anything is created in it.
 * @throws MullError when the server cannot be reached (the URL's password redacted) or the database was
 *   written by another schema version.
 * @example
 * const store = await openPostgresRunStore({ kind: "postgres", url: "postgres://mull@db/runs", name: "gsm8k" });
 * if ((await store.storedRun()) !== undefined) await store.recordResult(result, samples);
 * await store.close();
 */
export async function openPostgresRunStore(
  location: { readonly kind: "postgres"; readonly url: string; readonly name: string },
  options: RunStoreOptions = {},
): Promise<PostgresRunStore> {
  const label = describeRunLocation(location);
  const pool = await openPostgresPool(location.url, { maxConnections: options.maxConnections });
  try {
    await withPoolClient(pool, (client) => ensurePostgresSchema(client, redactUrl(location.url)));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const name = location.name;
  let runId: string | undefined;
  let closed = false;
  const requireRun = async (): Promise<string> => {
    if (runId === undefined) {
      const found = await pool.query("SELECT run_id FROM runs WHERE name = $1", [name]);
      runId = found.rows[0]?.run_id as string | undefined;
    }
    if (runId === undefined) throw new MullError(`no run recorded: ${label}`);
    return runId;
  };

  return {
    location,
    label,
    async storedRun() {
      const found = await pool.query("SELECT run_id, config_json, manifest_json FROM runs WHERE name = $1", [
        name,
      ]);
      const row = found.rows[0];
      if (row === undefined) return undefined;
      runId = row.run_id as string;
      return { manifest: row.manifest_json as RunManifest, config: row.config_json as unknown };
    },
    async createRun(manifest, config, problems) {
      const created = await inTransaction(pool, async (client) => {
        const inserted = await client.query(
          `INSERT INTO runs (name, run_id, created_at, config_hash, config_json, manifest_json)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [
            name,
            manifest.runId,
            manifest.createdAt,
            manifest.configHash,
            JSON.stringify(config),
            JSON.stringify(manifest),
          ],
        );
        if (inserted.rowCount !== 1) return false;
        await client.query(
          `INSERT INTO problems (run_id, problem_id, position, question, gold, difficulty, metadata_json)
           SELECT $1, * FROM unnest($2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::json[])
           ON CONFLICT DO NOTHING`,
          [
            manifest.runId,
            problems.map((problem) => problem.id),
            problems.map((_, position) => position),
            problems.map((problem) => problem.question),
            problems.map((problem) => problem.gold),
            problems.map((problem) => problem.difficulty ?? null),
            problems.map((problem) =>
              problem.metadata === undefined ? null : JSON.stringify(problem.metadata),
            ),
          ],
        );
        return true;
      });
      if (created) runId = manifest.runId;
      return created;
    },
    async updateManifest(change) {
      const id = await requireRun();
      return inTransaction(pool, async (client) => {
        // Locked until the commit: a second updater waits here, then reads this one's manifest.
        const found = await client.query("SELECT manifest_json FROM runs WHERE run_id = $1 FOR UPDATE", [id]);
        const stored = found.rows[0]?.manifest_json as RunManifest | undefined;
        if (stored === undefined) throw new MullError(`no run recorded: ${label}`);
        const next = change(stored);
        if (next === undefined) return stored;
        const json = JSON.stringify(next);
        await client.query("UPDATE runs SET manifest_json = $2 WHERE run_id = $1", [id, json]);
        return JSON.parse(json) as RunManifest;
      });
    },
    async completedPairs() {
      const id = await requireRun();
      const found = await pool.query("SELECT problem_id, strategy FROM results WHERE run_id = $1", [id]);
      return new Set(found.rows.map((row) => pairKey(row.problem_id as string, row.strategy as string)));
    },
    async completedPairCount() {
      const id = await requireRun();
      const found = await pool.query("SELECT count(*)::integer AS n FROM results WHERE run_id = $1", [id]);
      return (found.rows[0]?.n as number | undefined) ?? 0;
    },
    async recordResult(result, samples) {
      const id = await requireRun();
      return inTransaction(pool, async (client) => {
        // The result first: a second writer of the same pair waits here for the first one's commit, then
        // finds the row and writes nothing.
        const inserted = await client.query(
          `INSERT INTO results (run_id, problem_id, strategy, seed, answer, correct, samples, prompt_tokens,
             completion_tokens, calls, score_calls, latency_ms, stopped_by, verifier_accepted, cached_prompt_tokens,
             worker)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`,
          [
            id,
            result.problemId,
            result.strategy,
            result.seed,
            result.answer ?? null,
            result.correct,
            result.samples,
            result.promptTokens ?? null,
            result.completionTokens ?? null,
            result.calls,
            result.scoreCalls,
            result.latencyMilliseconds,
            result.stoppedBy,
            result.verifierAccepted ?? null,
            result.cachedPromptTokens ?? null,
            result.worker ?? null,
          ],
        );
        if (inserted.rowCount !== 1) return false;
        await insertSamples(client, id, result, samples);
        const models = Object.entries(result.usageByModel ?? {});
        if (models.length > 0) {
          await client.query(
            `INSERT INTO result_models (run_id, problem_id, strategy, model, prompt_tokens, completion_tokens, calls)
             SELECT $1, $2, $3, * FROM unnest($4::text[], $5::bigint[], $6::bigint[], $7::integer[])
             ON CONFLICT DO NOTHING`,
            [
              id,
              result.problemId,
              result.strategy,
              models.map(([model]) => model),
              models.map(([, usage]) => usage.promptTokens ?? null),
              models.map(([, usage]) => usage.completionTokens ?? null),
              models.map(([, usage]) => usage.calls),
            ],
          );
        }
        options.beforeCommit?.(result);
        return true;
      });
    },
    ...postgresPairClaims(pool, requireRun),
    async readRunData(): Promise<RunData> {
      const data = await inTransaction(pool, (client) => readPostgresRun(client, name), snapshot);
      if (data === undefined) throw new MullError(`no run recorded: ${label}`);
      return data;
    },
    async counts() {
      const found = await pool.query("SELECT run_id FROM runs WHERE name = $1", [name]);
      const id = found.rows[0]?.run_id as string | undefined;
      if (id === undefined) return { problems: 0, results: 0, samples: 0 };
      const count = async (table: string) =>
        ((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE run_id = $1`, [id])).rows[0]
          ?.n as number) ?? 0;
      return {
        problems: await count("problems"),
        results: await count("results"),
        samples: await count("samples"),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
