import type { DatabaseSync } from "node:sqlite";
import { MullError } from "../../errors/index.ts";
import type { FinishReason, StopReason, Usage } from "../../spec/index.ts";
import type { ProblemResult, RunData, RunManifest, RunProblem, SampleRecord } from "../run-data.ts";

/** A row as node:sqlite returns it. */
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

/** Reads a whole run from an open database. */
export function readRunDataFrom(database: DatabaseSync, file: string): RunData {
  const runRow = database.prepare("SELECT run_id, manifest_json FROM runs LIMIT 1").get() as Row | undefined;
  if (runRow === undefined) throw new MullError(`no run recorded in ${file}`);
  const runId = text(runRow, "run_id")!;
  const manifest = JSON.parse(text(runRow, "manifest_json")!) as RunManifest;
  const problems = (
    database
      .prepare(
        "SELECT problem_id, question, gold, difficulty FROM problems WHERE run_id = ? ORDER BY position",
      )
      .all(runId) as Row[]
  ).map((row): RunProblem => {
    const difficulty = text(row, "difficulty");
    return {
      id: text(row, "problem_id")!,
      gold: text(row, "gold")!,
      question: text(row, "question")!,
      ...(difficulty === undefined ? {} : { difficulty }),
    };
  });
  const usageByModel = new Map<string, Record<string, Usage>>();
  // Files written before the table existed, opened read-only, do not have it.
  const hasModels =
    database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'result_models'").get() !==
    undefined;
  const modelRows = hasModels
    ? (database.prepare("SELECT * FROM result_models WHERE run_id = ? ORDER BY model").all(runId) as Row[])
    : [];
  for (const row of modelRows) {
    const key = JSON.stringify([text(row, "problem_id"), text(row, "strategy")]);
    const models = usageByModel.get(key) ?? {};
    models[text(row, "model")!] = {
      promptTokens: integer(row, "prompt_tokens"),
      completionTokens: integer(row, "completion_tokens"),
      calls: integer(row, "calls")!,
    };
    usageByModel.set(key, models);
  }
  const results = (
    database
      .prepare(
        `SELECT r.* FROM results r JOIN problems p USING (run_id, problem_id)
         WHERE r.run_id = ? ORDER BY p.position, r.strategy`,
      )
      .all(runId) as Row[]
  ).map((row): ProblemResult & { readonly seed: number } => {
    const accepted = integer(row, "verifier_accepted");
    const byModel = usageByModel.get(JSON.stringify([text(row, "problem_id"), text(row, "strategy")]));
    return {
      problemId: text(row, "problem_id")!,
      strategy: text(row, "strategy")!,
      seed: integer(row, "seed")!,
      answer: text(row, "answer"),
      correct: integer(row, "correct") === 1,
      samples: integer(row, "samples")!,
      promptTokens: integer(row, "prompt_tokens"),
      completionTokens: integer(row, "completion_tokens"),
      calls: integer(row, "calls")!,
      scoreCalls: integer(row, "score_calls")!,
      latencyMilliseconds: row.latency_ms as number,
      stoppedBy: text(row, "stopped_by") as StopReason,
      ...(accepted === undefined ? {} : { verifierAccepted: accepted === 1 }),
      ...(byModel === undefined ? {} : { usageByModel: byModel }),
    };
  });
  const samples = (
    database
      .prepare(
        `SELECT s.* FROM samples s JOIN problems p USING (run_id, problem_id)
         WHERE s.run_id = ? ORDER BY p.position, s.strategy, s.sample_index`,
      )
      .all(runId) as Row[]
  ).map((row): SampleRecord => {
    const logprob = row.logprob;
    const scores = text(row, "scores_json");
    const finishReason = text(row, "finish_reason");
    return {
      problemId: text(row, "problem_id")!,
      strategy: text(row, "strategy")!,
      sampleIndex: integer(row, "sample_index")!,
      text: text(row, "text")!,
      answer: text(row, "answer"),
      correct: integer(row, "correct") === 1,
      completionTokens: integer(row, "completion_tokens"),
      ...(finishReason === undefined ? {} : { finishReason: finishReason as FinishReason }),
      ...(typeof logprob === "number" ? { logprob } : {}),
      ...(scores === undefined ? {} : { scores: JSON.parse(scores) as Record<string, number> }),
    };
  });
  return { manifest, problems, results, samples };
}
