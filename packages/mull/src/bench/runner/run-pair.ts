import { BudgetExhaustedError } from "../../errors/index.ts";
import { solve } from "../../solve.ts";
import type {
  AnswerFormat,
  Clock,
  NoteEvent,
  OutcomeScorer,
  PromptTemplate,
  SolveResult,
  StopReason,
} from "../../spec/index.ts";
import { isLostSamplesNote } from "../../strategies/index.ts";
import { usageByModel } from "../../trace/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import type { Grader } from "../graders/index.ts";
import type { SampleRecord } from "../run-data.ts";
import type { ResultRecord, RunStore } from "../store/index.ts";
import type { BenchPlan } from "./bench-plan.ts";
import { BenchRunError } from "./bench-run-error.ts";
import { problemSeed } from "./problem-seed.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { sampleRecords } from "./sample-records.ts";
import type { BenchStrategy, PairStrategy } from "./strategy-sweep.ts";
import { traceScoreRecorder } from "./trace-score-recorder.ts";

/** What every pair of a run is solved, graded and recorded with. */
export interface PairContext {
  /** The options of `runBench`: backend, sampling settings and budget. */
  readonly options: RunBenchOptions;
  /** The run seed, checked; each pair's seed derives from it. */
  readonly seed: number;
  readonly grader: Grader;
  readonly answerFormat: AnswerFormat;
  readonly promptTemplate: PromptTemplate | undefined;
  /** The outcome scorer the strategies were built with; its scores say whether a verifier accepted. */
  readonly scorer: OutcomeScorer | undefined;
  readonly clock: Clock;
  readonly store: RunStore;
  /** Fires on an interrupt: the pair is dropped, not recorded. */
  readonly signal: AbortSignal;
  /**
   * How a failure message tells the user to retry the pair; default `continue with --resume` (a queued
   * run's workers say to enqueue again).
   */
  readonly resumeHint?: string | undefined;
}

/**
 * The context every pair of a planned run is solved with, recording into `store`.
 *
 * @example
 * const context = pairContext(options, planBench(options), store, controller.signal);
 */
export function pairContext(
  options: RunBenchOptions,
  plan: BenchPlan,
  store: RunStore,
  signal: AbortSignal,
): PairContext {
  const { seed, grader, answerFormat, promptTemplate, scorer, clock } = plan;
  return { options, seed, grader, answerFormat, promptTemplate, scorer, clock, store, signal };
}

/** What became of one pair. */
export type PairOutcome =
  /** Its result is in the store; `fresh` is false when the store already held it. */
  | { readonly kind: "recorded"; readonly record: ResultRecord; readonly fresh: boolean }
  /** Interrupted: left for the resume. */
  | { readonly kind: "dropped" }
  /** Solving or recording failed; what was recorded before is intact. */
  | { readonly kind: "failed"; readonly error: BenchRunError };

/** For strategies that use a scorer: did it accept the chosen candidate (score >= 0.5)? */
function verifierAccepted(
  strategy: BenchStrategy,
  scorer: OutcomeScorer | undefined,
  result: SolveResult,
): boolean | undefined {
  if (!strategy.needs.includes("scorer") || scorer === undefined || result.best === undefined)
    return undefined;
  const score = result.best.scores.find((candidate) => candidate.scorer === scorer.name);
  return score === undefined ? undefined : score.value >= 0.5;
}

/**
 * Whether a result lost samples to failed calls: it stopped by `samples-lost`, or its trace notes traces
 * that failed before the finished ones decided the vote. The error names how many failed and the first
 * failure, as the note does.
 */
function lostSamples(result: SolveResult): Error | undefined {
  const note = result.trace.find(
    (event): event is NoteEvent => event.type === "note" && isLostSamplesNote(event.message),
  );
  if (note === undefined && result.stoppedBy !== "samples-lost") return undefined;
  const lost =
    note === undefined
      ? "samples were lost to failed calls (stopped by samples-lost)"
      : note.message.replace(/; the vote is over the \d+ that finished$/, "");
  return new Error(
    `${lost}; a vote over the rest is not recorded, since it would depend on which calls failed`,
  );
}

function failureMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Solves one (problem, strategy) pair with its own seed (from the run seed, the problem id and the
 * strategy name), grades it and records its result and samples in one transaction. Its latency is the
 * strategy's: from the start of solving to its result (or to the budget running out), without the
 * grading. A per-pair budget that runs out before any candidate is a legitimate empty result; any other
 * error, from solving or from the store, is the pair's failure and is returned, not thrown. So is a result that lost samples to
 * failed calls (stopped by `samples-lost`, or with a trace note of traces that failed before the rest
 * decided the vote): it is not recorded, and the resume (a queued job's retry) runs the pair again, as
 * it would a strategy whose call failed outright.
 *
 * @example
 * const outcome = await runPair(problem, strategy, context);
 * if (outcome.kind === "failed") throw outcome.error;
 */
export async function runPair(
  problem: BenchProblem,
  strategy: PairStrategy,
  context: PairContext,
): Promise<PairOutcome> {
  const { options, grader, clock, signal } = context;
  const seed = problemSeed(context.seed, problem.id, strategy.name);
  const started = clock.now();
  let record: ResultRecord;
  let samples: SampleRecord[] = [];
  // Trace scores need the tokens, which only the backend's answer holds; the store keeps the scores.
  const recorder = traceScoreRecorder(options.backend);
  try {
    const result = await solve({
      problem,
      strategy: strategy.strategy,
      backend: recorder.backend,
      seed,
      sampling: { ...(options.sampling ?? {}), ...strategy.sampling },
      answerFormat: context.answerFormat,
      ...(context.promptTemplate === undefined ? {} : { promptTemplate: context.promptTemplate }),
      ...(options.budget === undefined ? {} : { budget: options.budget }),
      ...(options.thinkingCues === undefined ? {} : { thinkingCues: options.thinkingCues }),
      signal,
      clock,
    });
    // The strategy's latency ends with its result: grading and recording below are the bench's own work.
    const solved = clock.now();
    // A run cut by the interrupt is not this pair's result: leave it for the resume.
    if (signal.aborted || result.stoppedBy === "abort") return { kind: "dropped" };
    // A vote over the traces that survived failed calls depends on which calls failed: not a result, but
    // a failure like that of a strategy whose call failed outright, retried by the resume.
    const lost = lostSamples(result);
    if (lost !== undefined) return pairFailure(problem, strategy, lost, context);
    samples = sampleRecords(problem, strategy.name, result, grader, recorder.scoresOf);
    const accepted = verifierAccepted(strategy, context.scorer, result);
    // A routing strategy's tokens by model on every problem, also where one model answered alone (solve
    // reports them only where several generated), so that a summary by model misses no problem.
    const byModel =
      result.usageByModel ?? (strategy.route === undefined ? undefined : usageByModel(result.trace));
    record = {
      problemId: problem.id,
      strategy: strategy.name,
      seed,
      answer: result.answer,
      correct: grader.grade(result.answer, problem.gold),
      samples: result.candidates.length,
      promptTokens: result.usage.promptTokens,
      ...(result.usage.cachedPromptTokens === undefined
        ? {}
        : { cachedPromptTokens: result.usage.cachedPromptTokens }),
      completionTokens: result.usage.completionTokens,
      calls: result.usage.calls,
      scoreCalls: result.scoreCalls,
      latencyMilliseconds: solved - started,
      stoppedBy: result.stoppedBy,
      ...(accepted === undefined ? {} : { verifierAccepted: accepted }),
      ...(byModel === undefined || Object.keys(byModel).length === 0 ? {} : { usageByModel: byModel }),
    };
  } catch (error) {
    if (signal.aborted) return { kind: "dropped" };
    if (!BudgetExhaustedError.isInstance(error)) return pairFailure(problem, strategy, error, context);
    // The per-pair budget ran out before any candidate: a legitimate (empty) result under this budget.
    record = {
      problemId: problem.id,
      strategy: strategy.name,
      seed,
      answer: undefined,
      correct: false,
      samples: 0,
      promptTokens: undefined,
      completionTokens: undefined,
      calls: 0,
      scoreCalls: 0,
      latencyMilliseconds: clock.now() - started,
      stoppedBy: error.reason as StopReason,
    };
  }
  return recordPair(problem, strategy, record, samples, context);
}

/**
 * The failure of a pair whose solving threw: the error, named by problem and strategy, with how to retry.
 *
 * @example
 * return pairFailure(problem, strategy, error, context);
 */
export function pairFailure(
  problem: BenchProblem,
  strategy: BenchStrategy,
  error: unknown,
  context: PairContext,
): PairOutcome {
  const message =
    `problem ${problem.id}, strategy ${strategy.name} failed: ${failureMessage(error)}; ` +
    `pairs recorded so far are kept, ${context.resumeHint ?? "continue with --resume"}`;
  const details = { problemId: problem.id, strategy: strategy.name, cause: error };
  return { kind: "failed", error: new BenchRunError(message, details) };
}

/**
 * Records a pair's result and samples in one transaction of the run's store; a failure to record (a full
 * disk, say) is the pair's failure, returned, with what was recorded before intact.
 *
 * @example
 * const outcome = await recordPair(problem, strategy, record, samples, context);
 */
export async function recordPair(
  problem: BenchProblem,
  strategy: BenchStrategy,
  record: ResultRecord,
  samples: readonly SampleRecord[],
  context: PairContext,
): Promise<PairOutcome> {
  try {
    return { kind: "recorded", record, fresh: await context.store.recordResult(record, samples) };
  } catch (error) {
    // A full disk or a file-size limit is already said as such by the store, naming its file.
    const text =
      `recording problem ${problem.id}, strategy ${strategy.name} failed: ${failureMessage(error)}; ` +
      `what was recorded before is intact, ${context.resumeHint ?? "continue with --resume"}`;
    const details = { problemId: problem.id, strategy: strategy.name, cause: error };
    return { kind: "failed", error: new BenchRunError(text, details) };
  }
}
