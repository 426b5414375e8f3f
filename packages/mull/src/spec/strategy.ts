import type { AnswerFormat } from "./answer.ts";
import type { Backend } from "./backend.ts";
import type { Budget, StopReason } from "./budget.ts";
import type { Candidate } from "./candidate.ts";
import type { Problem, PromptTemplate } from "./problem.ts";
import type { Clock, Rng } from "./randomness.ts";
import type { TraceEvent, Tracer } from "./trace.ts";
import type { Usage } from "./usage.ts";

/** Sampling settings a strategy applies to the generations it makes, unless it overrides them. */
export interface SamplingSettings {
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly topK?: number | undefined;
  readonly minP?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly stop?: readonly string[] | undefined;
}

/** Everything a strategy may use. Randomness, time and cancellation come in here, never from globals. */
export interface StrategyContext {
  readonly backend: Backend;
  readonly budget: Budget;
  readonly rng: Rng;
  readonly clock: Clock;
  readonly tracer: Tracer;
  /** The trace node this run hangs under (a wrapper's run node, or `undefined` at the root). */
  readonly parentId?: string | undefined;
  readonly answerFormat: AnswerFormat;
  readonly promptTemplate: PromptTemplate;
  readonly sampling: SamplingSettings;
  /** Fires when the caller aborts or the budget's deadline passes. */
  readonly signal: AbortSignal;
}

/** What a strategy returns. */
export interface StrategyResult {
  /** The chosen final answer; `undefined` when no candidate had one. */
  readonly answer: string | undefined;
  /** The candidate the answer came from (for voting, the best-scored member of the winning group). */
  readonly best: Candidate | undefined;
  /** Every candidate produced, in order. */
  readonly candidates: readonly Candidate[];
  /** Vote tally by answer key, for voting strategies. */
  readonly votes?: Readonly<Record<string, number>> | undefined;
  readonly stoppedBy: StopReason;
  /** True when the budget, a deadline or an abort cut the plan short: the answer is the best so far. */
  readonly partial: boolean;
  /** Usage over every call of the run. */
  readonly usage: Usage;
  /** Scorer calls made. */
  readonly scoreCalls: number;
}

/**
 * An inference-time strategy: a small function over building blocks. Wrappers (early stopping, routing)
 * take a strategy and return a strategy.
 */
export interface Strategy {
  /** Short name with its main parameter, e.g. `sc@8`, `bon@4`. */
  readonly name: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  run(problem: Problem, context: StrategyContext): Promise<StrategyResult>;
}

/** The result of `solve()`: a strategy result plus its full trace. */
export interface SolveResult extends StrategyResult {
  readonly strategy: string;
  readonly trace: readonly TraceEvent[];
}
