import type { Backend, CallOptions } from "./backend.ts";
import type { GenerationRequest, ToolCall } from "./generation.ts";
import type { Problem } from "./problem.ts";
import type { Score } from "./score.ts";
import type { CostRequest, StepCostRequest } from "./strategy.ts";
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
 * How an outcome scorer asks a model about each solution (an LLM judge): one call per solution, whose
 * reply gives its score. A run makes these calls itself (`OutcomeScorer.judge`), so that each is sized and
 * charged like a generation.
 */
export interface ModelJudge {
  /** The model that judges. */
  readonly backend: Backend;
  /** The request for one solution (`n` 1); a run lowers its `maxTokens` to what the budget leaves. */
  request(problem: Problem, solution: ScoredSolution): GenerationRequest;
  /** The score a whole reply earns; a reply without a verdict scores as the scorer says (`detail`). */
  verdict(reply: string): Score;
  /** Calls in flight at once. */
  readonly concurrency: number;
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
  /**
   * The most tokens, read and written, that scoring one solution may spend, for solutions drawn for
   * `request` (a prompt of `promptTokens`, each solution at most `maxTokens`): for an LLM judge, its
   * prompt (its template around the problem and the solution) and its longest reply. Servers add it once
   * per solution a strategy may score to the worst case they check and reserve before any call. Absent:
   * scoring is reckoned to spend no tokens (a programmatic check).
   */
  worstCaseTokens?(request: CostRequest): number;
  /**
   * The model calls behind `score`, for a scorer that asks a model once per solution (an LLM judge). A
   * run's scoring makes them itself, within the run's budget as generations are: each call's `maxTokens`
   * lowered to what the token limits leave, a call the budget cannot afford not made, a reply the budget
   * cut no verdict, and a call the backend refuses no score. `score` is used outside a run. Absent: the
   * run calls `score`.
   */
  readonly judge?: ModelJudge | undefined;
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
  /**
   * The most tokens, read and written, that judging one step may spend, for a step of a path of at most
   * `request.pathTokens` tokens and `request.pathSteps` steps drawn for a prompt of `promptTokens`: for
   * an LLM judge, its prompt (its template around the problem, the steps before and the step) and its
   * longest reply. Servers add it for each step a search may have judged (`Strategy.judgedSteps`) to the
   * worst case they check and reserve before any call. Absent: judging is reckoned to spend no tokens (a
   * programmatic check, or rewards read from the generations).
   */
  worstCaseTokens?(request: StepCostRequest): number;
}
