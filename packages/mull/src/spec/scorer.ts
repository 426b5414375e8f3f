import type { CallOptions } from "./backend.ts";
import type { ToolCall } from "./generation.ts";
import type { Problem } from "./problem.ts";
import type { Score } from "./score.ts";
import type { Usage } from "./usage.ts";

/** A full solution offered to a scorer. */
export interface ScoredSolution {
  /** The solution's full text (`Candidate.text`). */
  readonly text: string;
  /** Its extracted final answer, or `undefined` when none could be extracted. */
  readonly answer: string | undefined;
  /** The function calls the solution ended in, when it ended in calls (its `text` is then often empty). */
  readonly toolCalls?: readonly ToolCall[] | undefined;
}

/** The scores of a batch, and what producing them cost. */
export interface ScoreBatch {
  /** One score per solution, in order. */
  readonly scores: readonly Score[];
  /** Calls made to a model or service; 0 for programmatic checks. */
  readonly calls: number;
  /** Model usage, when the scorer calls a model. */
  readonly usage?: Usage | undefined;
}

/**
 * Scores full solutions (an outcome verifier): a programmatic checker, an LLM judge, an HTTP reward model.
 */
export interface OutcomeScorer {
  /** Name written on its scores (`Score.scorer`) and score events, e.g. `checker`, `judge:gpt-4o`. */
  readonly name: string;
  /** Scores `solutions` of `problem`: one score per solution, in order; `options.signal` aborts the call. */
  score(problem: Problem, solutions: readonly ScoredSolution[], options?: CallOptions): Promise<ScoreBatch>;
  /**
   * The calls (`ScoreBatch.calls`) that one `score` of `solutions` solutions makes, so that a budget with
   * a `maxScoreCalls` limit can score as many at once as it affords: 0 for programmatic checks, 1 for a
   * reward model that scores a batch in one request. Absent: one call per solution is assumed, as an LLM
   * judge makes.
   */
  callsFor?(solutions: number): number;
}

/** Per-step rewards of one partial or complete solution, each in [0, 1]. */
export interface ProcessScore {
  /** One reward per step, in step order; higher means the step is more likely right. */
  readonly rewards: readonly number[];
}

/**
 * Scores the steps of partial solutions (a process reward model): the lab's exact step checker, a
 * noisy wrapper, an HTTP PRM, an LLM judge per step, the policy's own step log-probability.
 */
export interface ProcessRewardModel {
  /** Name written on its score events, e.g. `lab-step-checker`. */
  readonly name: string;
  /**
   * Scores the steps of each solution (a solution is its steps, in order) of `problem`; `options.signal`
   * aborts the call.
   */
  score(
    problem: Problem,
    solutions: readonly (readonly string[])[],
    options?: CallOptions,
  ): Promise<{
    /** One per solution, in order. */
    readonly results: readonly ProcessScore[];
    /** Calls made to a model or service; 0 for programmatic checks. */
    readonly calls: number;
    /** Model usage, when the reward model calls a model. */
    readonly usage?: Usage | undefined;
  }>;
}
