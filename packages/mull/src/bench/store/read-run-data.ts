import type { DatabaseSync } from "node:sqlite";
import { MullError } from "../../errors/index.ts";
import type { FinishReason, StopReason, Usage } from "../../spec/index.ts";
import type { ProblemResult, RunData, RunManifest, RunProblem, SampleRecord } from "../run-data.ts";
import { routesFromConfig } from "./routes-from-config.ts";

/** A row as node:sqlite or pg returns it. */
export type Row = Record<string, unknown>;

/** A TEXT column, or `undefined` for NULL. */
export function text(row: Row, column: string): string | undefined {
  const value = row[column];
  return typeof value === "string" ? value : undefined;
}

/** An INTEGER column, or `undefined` for NULL. */
export function integer(row: Row, column: string): number | undefined {
  const value = row[column];
  return typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : undefined;
}

/** A flag column (SQLite 0/1, PostgreSQL boolean), or `undefined` for NULL. */
function flag(row: Row, column: string): boolean | undefined {
  const value = row[column];
  if (typeof value === "boolean") return value;
  const number = integer(row, column);
  return number === undefined ? undefined : number === 1;
}

/** A JSON column: text (SQLite) or already parsed (PostgreSQL `json`); `undefined` for NULL. */
function json(row: Row, column: string): unknown {
  const value = row[column];
  if (value === null || value === undefined) return undefined;
  return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
}

/**
 * The rows of one run, as both stores select them: problems by position; result models by model;
 * results and samples by problem position, then strategy (and sample index), strings compared bytewise.
 */
export interface RunRows {
  /** The `manifest_json` column of the run's row. */
  readonly manifest: unknown;
  /** The `config_json` column of the run's row, for the routes it records. */
  readonly config?: unknown;
  readonly problems: readonly Row[];
  readonly models: readonly Row[];
  readonly results: readonly Row[];
  readonly samples: readonly Row[];
}

/** Builds a run's data from its rows; the one place both stores turn columns into `RunData`. */
export function runDataFromRows(rows: RunRows): RunData {
  const manifest = (
    typeof rows.manifest === "string" ? JSON.parse(rows.manifest) : rows.manifest
  ) as RunManifest;
  const problems = rows.problems.map((row): RunProblem => {
    const difficulty = text(row, "difficulty");
    return {
      id: text(row, "problem_id")!,
      gold: text(row, "gold")!,
      question: text(row, "question")!,
      ...(difficulty === undefined ? {} : { difficulty }),
    };
  });
  const usageByModel = new Map<string, Record<string, Usage>>();
  for (const row of rows.models) {
    const key = JSON.stringify([text(row, "problem_id"), text(row, "strategy")]);
    const models = usageByModel.get(key) ?? {};
    models[text(row, "model")!] = {
      promptTokens: integer(row, "prompt_tokens"),
      completionTokens: integer(row, "completion_tokens"),
      calls: integer(row, "calls")!,
    };
    usageByModel.set(key, models);
  }
  const results = rows.results.map((row): ProblemResult & { readonly seed: number } => {
    const accepted = flag(row, "verifier_accepted");
    // NULL where the backend did not report it, and absent from stores written before the column.
    const cached = integer(row, "cached_prompt_tokens");
    // NULL for a local run's result, and absent from stores written before the column.
    const worker = text(row, "worker");
    const byModel = usageByModel.get(JSON.stringify([text(row, "problem_id"), text(row, "strategy")]));
    return {
      problemId: text(row, "problem_id")!,
      strategy: text(row, "strategy")!,
      seed: integer(row, "seed")!,
      answer: text(row, "answer"),
      correct: flag(row, "correct") === true,
      samples: integer(row, "samples")!,
      promptTokens: integer(row, "prompt_tokens"),
      ...(cached === undefined ? {} : { cachedPromptTokens: cached }),
      completionTokens: integer(row, "completion_tokens"),
      calls: integer(row, "calls")!,
      scoreCalls: integer(row, "score_calls")!,
      latencyMilliseconds: row.latency_ms as number,
      stoppedBy: text(row, "stopped_by") as StopReason,
      ...(accepted === undefined ? {} : { verifierAccepted: accepted }),
      ...(byModel === undefined ? {} : { usageByModel: byModel }),
      ...(worker === undefined ? {} : { worker }),
    };
  });
  const samples = rows.samples.map((row): SampleRecord => {
    const logprob = row.logprob;
    const scores = json(row, "scores_json") as Record<string, number> | undefined;
    const finishReason = text(row, "finish_reason");
    return {
      problemId: text(row, "problem_id")!,
      strategy: text(row, "strategy")!,
      sampleIndex: integer(row, "sample_index")!,
      text: text(row, "text")!,
      answer: text(row, "answer"),
      correct: flag(row, "correct") === true,
      completionTokens: integer(row, "completion_tokens"),
      ...(finishReason === undefined ? {} : { finishReason: finishReason as FinishReason }),
      ...(typeof logprob === "number" ? { logprob } : {}),
      ...(scores === undefined ? {} : { scores }),
    };
  });
  const routes = routesFromConfig(rows.config);
  return { manifest, problems, results, samples, ...(routes === undefined ? {} : { routes }) };
}

function hasTable(database: DatabaseSync, name: string): boolean {
  return (
    database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
  );
}

/** Reads a whole run from an open SQLite database. */
export function readRunDataFrom(database: DatabaseSync, file: string): RunData {
  // A database created but never given a run (a crash before its first write) has no tables yet.
  if (!hasTable(database, "runs")) throw new MullError(`no run recorded in ${file}`);
  const runRow = database.prepare("SELECT run_id, config_json, manifest_json FROM runs LIMIT 1").get() as
    | Row
    | undefined;
  if (runRow === undefined) throw new MullError(`no run recorded in ${file}`);
  const runId = text(runRow, "run_id")!;
  // Files written before the table existed, opened read-only, do not have it.
  const hasModels = hasTable(database, "result_models");
  return runDataFromRows({
    manifest: text(runRow, "manifest_json"),
    config: text(runRow, "config_json"),
    problems: database
      .prepare(
        "SELECT problem_id, question, gold, difficulty FROM problems WHERE run_id = ? ORDER BY position",
      )
      .all(runId) as Row[],
    models: hasModels
      ? (database.prepare("SELECT * FROM result_models WHERE run_id = ? ORDER BY model").all(runId) as Row[])
      : [],
    results: database
      .prepare(
        `SELECT r.* FROM results r JOIN problems p USING (run_id, problem_id)
         WHERE r.run_id = ? ORDER BY p.position, r.strategy`,
      )
      .all(runId) as Row[],
    samples: database
      .prepare(
        `SELECT s.* FROM samples s JOIN problems p USING (run_id, problem_id)
         WHERE s.run_id = ? ORDER BY p.position, s.strategy, s.sample_index`,
      )
      .all(runId) as Row[],
  });
}
