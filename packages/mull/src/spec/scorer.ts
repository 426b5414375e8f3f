import type { CallOptions } from "./backend.ts";
import type { ToolCall } from "./generation.ts";
import type { Problem } from "./problem.ts";
import type { Score } from "./score.ts";
import type { Usage } from "./usage.ts";

/** A full solution offered to a scorer. */
export interface ScoredSolution {
  readonly text: string;
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
  readonly name: string;
  score(problem: Problem, solutions: readonly ScoredSolution[], options?: CallOptions): Promise<ScoreBatch>;
}

/** Per-step rewards of one partial or complete solution, each in [0, 1]. */
export interface ProcessScore {
  readonly rewards: readonly number[];
}

/**
 * Scores the steps of partial solutions (a process reward model): the lab's exact step checker, a
 * noisy wrapper, an HTTP PRM, an LLM judge per step, the policy's own step log-probability.
 */
export interface ProcessRewardModel {
  readonly name: string;
  score(
    problem: Problem,
    solutions: readonly (readonly string[])[],
    options?: CallOptions,
  ): Promise<{
    readonly results: readonly ProcessScore[];
    readonly calls: number;
    readonly usage?: Usage | undefined;
  }>;
}
