import { join } from "node:path";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { MullError } from "../../errors/index.ts";
import { diskFullError, makeOutputDirectory, writeFileAtomically } from "../../runtime/index.ts";
import type { RunManifest } from "../run-data.ts";
import { openRunDatabase } from "./open-run-database.ts";
import { integer, type Row, readRunDataFrom, text } from "./read-run-data.ts";
import { pairKey, type RunStore, type RunStoreOptions } from "./run-store.ts";
import { addedColumns, storeSchema, storeSchemaVersion } from "./run-store-schema.ts";
import { sqlitePairClaims } from "./sqlite-pair-claims.ts";

/** The database file inside a run directory. */
export const databaseFileName = "bench.sqlite";
/** The manifest copy inside a run directory, for people and tools that do not read SQLite. */
export const manifestFileName = "manifest.json";

/** A run directory's SQLite store. */
export interface SqliteRunStore extends RunStore {
  readonly location: { readonly kind: "sqlite"; readonly directory: string };
  readonly directory: string;
  readonly databaseFile: string;
}

function orNull(value: string | number | undefined): SQLInputValue {
  return value === undefined ? null : value;
}

function flag(value: boolean | undefined): SQLInputValue {
  return value === undefined ? null : value ? 1 : 0;
}

/** Adds to a file written before them the nullable columns that came later (`addedColumns`). */
function addMissingColumns(database: DatabaseSync): void {
  for (const { table, column, type } of addedColumns) {
    const columns = database.prepare(`PRAGMA table_info(${table})`).all() as Row[];
    if (!columns.some((row) => text(row, "name") === column)) {
      database.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type === "text" ? "TEXT" : "INTEGER"}`);
    }
  }
}

/**
 * Opens (or creates) the SQLite store of a run directory: WAL journal, `synchronous=NORMAL` by default
 * (see `SynchronousMode`), a busy timeout, foreign keys, and a `quick_check` of an existing file.
 * The caller holds the directory's lock (`acquireRunLock`) while it writes. The work is synchronous
 * underneath; the methods return promises to share the `RunStore` contract with PostgreSQL.
 *
 * @throws ConfigError "database corrupt" when the existing file fails its integrity check or the run's
 *   manifest is there without its database, and "not a mull run database" for another tool's SQLite
 *   file (left untouched).
 * @throws MullError when the file was written by another schema version, and (from this and every
 *   write) when the disk is full or a file-size limit was hit, naming the file (`diskFullError`); what
 *   was stored before is kept.
 * @example
 * const store = openSqliteRunStore("runs/gsm8k-sc8");
 * if ((await store.storedRun()) === undefined) await store.createRun(manifest, config, problems);
 * await store.recordResult(result, samples);
 * await store.close();
 */
export function openSqliteRunStore(directory: string, options: RunStoreOptions = {}): SqliteRunStore {
  try {
    makeOutputDirectory(directory, "run directory");
  } catch (error) {
    throw diskFullError(error, directory) ?? error;
  }
  const databaseFile = join(directory, databaseFileName);
  const database = openRunDatabase(databaseFile, {
    readOnly: false,
    busyTimeoutMilliseconds: options.busyTimeoutMilliseconds,
    manifestFile: join(directory, manifestFileName),
  });
  try {
    database.exec("PRAGMA journal_mode = WAL");
    database.exec(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    database.exec("PRAGMA foreign_keys = ON");
    database.exec(storeSchema);
    const version = database.prepare("SELECT value FROM store_info WHERE key = 'schema_version'").get() as
      | Row
      | undefined;
    if (version === undefined) {
      database
        .prepare("INSERT INTO store_info (key, value) VALUES ('schema_version', ?)")
        .run(String(storeSchemaVersion));
    } else if (text(version, "value") !== String(storeSchemaVersion)) {
      throw new MullError(
        `${databaseFile} was written by another version of the store (schema ${text(version, "value")}, ` +
          `this mull reads ${storeSchemaVersion})`,
      );
    }
    addMissingColumns(database);
  } catch (error) {
    database.close();
    throw diskFullError(error, databaseFile) ?? error;
  }

  let runId: string | undefined;
  const statements = new Map<string, StatementSync>();
  const statement = (sql: string): StatementSync => {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      prepared = database.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  // A write that finds no room (a full disk, a file-size limit) is rolled back and said as such.
  const transaction = <T>(work: () => T): T => {
    try {
      database.exec("BEGIN IMMEDIATE");
      try {
        const value = work();
        database.exec("COMMIT");
        return value;
      } catch (error) {
        if (database.isTransaction) database.exec("ROLLBACK");
        throw error;
      }
    } catch (error) {
      throw diskFullError(error, databaseFile) ?? error;
    }
  };
  const requireRun = (): string => {
    if (runId === undefined) {
      const row = statement("SELECT run_id FROM runs LIMIT 1").get() as Row | undefined;
      runId = row === undefined ? undefined : text(row, "run_id");
    }
    if (runId === undefined) throw new MullError(`no run recorded in ${databaseFile}`);
    return runId;
  };

  return {
    location: { kind: "sqlite", directory },
    label: directory,
    directory,
    databaseFile,
    async storedRun() {
      const row = statement("SELECT run_id, config_json, manifest_json FROM runs LIMIT 1").get() as
        | Row
        | undefined;
      if (row === undefined) return undefined;
      runId = text(row, "run_id");
      return {
        manifest: JSON.parse(text(row, "manifest_json")!) as RunManifest,
        config: JSON.parse(text(row, "config_json")!) as unknown,
      };
    },
    async createRun(manifest, config, problems) {
      const created = transaction(() => {
        // One run per file: a second run is refused like a conflicting one.
        if (statement("SELECT 1 FROM runs LIMIT 1").get() !== undefined) return false;
        statement(
          "INSERT INTO runs (run_id, created_at, config_hash, config_json, manifest_json) VALUES (?, ?, ?, ?, ?)",
        ).run(
          manifest.runId,
          manifest.createdAt,
          manifest.configHash,
          JSON.stringify(config),
          JSON.stringify(manifest),
        );
        const insert = statement(
          `INSERT INTO problems (run_id, problem_id, position, question, gold, difficulty, metadata_json)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        );
        problems.forEach((problem, position) => {
          insert.run(
            manifest.runId,
            problem.id,
            position,
            problem.question,
            problem.gold,
            orNull(problem.difficulty),
            problem.metadata === undefined ? null : JSON.stringify(problem.metadata),
          );
        });
        return true;
      });
      if (!created) return false;
      runId = manifest.runId;
      writeFileAtomically(join(directory, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
      return true;
    },
    async updateManifest(change) {
      const id = requireRun();
      const updated = transaction(() => {
        const row = statement("SELECT manifest_json FROM runs WHERE run_id = ?").get(id) as Row;
        const stored = JSON.parse(text(row, "manifest_json")!) as RunManifest;
        const next = change(stored);
        if (next === undefined) return { manifest: stored, written: false };
        const json = JSON.stringify(next);
        statement("UPDATE runs SET manifest_json = ? WHERE run_id = ?").run(json, id);
        return { manifest: JSON.parse(json) as RunManifest, written: true };
      });
      if (updated.written) {
        writeFileAtomically(
          join(directory, manifestFileName),
          `${JSON.stringify(updated.manifest, null, 2)}\n`,
        );
      }
      return updated.manifest;
    },
    async completedPairs() {
      const id = requireRun();
      const rows = statement("SELECT problem_id, strategy FROM results WHERE run_id = ?").all(id) as Row[];
      return new Set(rows.map((row) => pairKey(text(row, "problem_id")!, text(row, "strategy")!)));
    },
    async completedPairCount() {
      const id = requireRun();
      return (
        integer(statement("SELECT count(*) AS n FROM results WHERE run_id = ?").get(id) as Row, "n") ?? 0
      );
    },
    async recordResult(result, samples) {
      const id = requireRun();
      return transaction(() => {
        // The result first: when it is already there, nothing of this attempt is written.
        const inserted = statement(
          `INSERT INTO results (run_id, problem_id, strategy, seed, answer, correct, samples, prompt_tokens,
             completion_tokens, calls, score_calls, latency_ms, stopped_by, verifier_accepted, cached_prompt_tokens,
             worker)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        ).run(
          id,
          result.problemId,
          result.strategy,
          result.seed,
          orNull(result.answer),
          result.correct ? 1 : 0,
          result.samples,
          orNull(result.promptTokens),
          orNull(result.completionTokens),
          result.calls,
          result.scoreCalls,
          result.latencyMilliseconds,
          result.stoppedBy,
          flag(result.verifierAccepted),
          orNull(result.cachedPromptTokens),
          orNull(result.worker),
        );
        if (Number(inserted.changes) !== 1) return false;
        const insertSample = statement(
          `INSERT INTO samples (run_id, problem_id, strategy, sample_index, seed, text, answer, correct,
             completion_tokens, finish_reason, logprob, scores_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        );
        for (const sample of samples) {
          insertSample.run(
            id,
            sample.problemId,
            sample.strategy,
            sample.sampleIndex,
            result.seed,
            sample.text,
            orNull(sample.answer),
            sample.correct ? 1 : 0,
            orNull(sample.completionTokens),
            orNull(sample.finishReason),
            orNull(sample.logprob),
            sample.scores === undefined ? null : JSON.stringify(sample.scores),
          );
        }
        const insertModel = statement(
          `INSERT INTO result_models (run_id, problem_id, strategy, model, prompt_tokens, completion_tokens, calls)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        );
        for (const [model, usage] of Object.entries(result.usageByModel ?? {})) {
          insertModel.run(
            id,
            result.problemId,
            result.strategy,
            model,
            orNull(usage.promptTokens),
            orNull(usage.completionTokens),
            usage.calls,
          );
        }
        options.beforeCommit?.(result);
        return true;
      });
    },
    ...sqlitePairClaims({ statement, transaction, requireRun }),
    async readRunData() {
      return readRunDataFrom(database, databaseFile);
    },
    async counts() {
      const count = (table: string) =>
        integer(statement(`SELECT count(*) AS n FROM ${table}`).get() as Row, "n") ?? 0;
      return { problems: count("problems"), results: count("results"), samples: count("samples") };
    },
    async close() {
      if (database.isOpen) database.close();
    },
  };
}
