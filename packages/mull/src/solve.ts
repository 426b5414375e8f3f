import { answerFormatByName, autoAnswerFormat } from "./answers/index.ts";
import { createBudget, type TokenPrice } from "./budget/index.ts";
import { ConfigError } from "./errors/index.ts";
import { defaultPromptTemplate } from "./generation/index.ts";
import { seededRng, systemClock } from "./runtime/index.ts";
import type {
  AnswerFormat,
  Backend,
  BudgetLimits,
  Clock,
  OutcomeScorer,
  Problem,
  ProcessRewardModel,
  PromptTemplate,
  SamplingSettings,
  SolveResult,
  Strategy,
  StrategyContext,
} from "./spec/index.ts";
import { parseStrategySpec, runStrategy } from "./strategies/index.ts";
import { createTracer } from "./trace/index.ts";

/** Options of `solve`. */
export interface SolveOptions {
  /** The problem, or just its question. */
  readonly problem: Problem | string;
  /** A strategy, or its short name (`greedy`, `sc@8`, `bon@4`, `pf@16`, … — see `parseStrategySpec`). */
  readonly strategy: Strategy | string;
  readonly backend: Backend;
  /** Limits on what the run may spend; default none. */
  readonly budget?: BudgetLimits | undefined;
  /** Seed of the run's rng (an integer); default 0. The same seed gives the same run on a deterministic backend. */
  readonly seed?: number | undefined;
  /** Sampling settings applied to every generation unless the strategy overrides them. */
  readonly sampling?: SamplingSettings | undefined;
  /** How answers are read and compared, or a format name (`auto`, `numeric`, `math`, …); default `auto`. */
  readonly answerFormat?: AnswerFormat | string | undefined;
  /** Turns a problem into a prompt; default a chat prompt asking for `#### <answer>` at the end. */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** The outcome scorer for strategies named by a string that need one (`wv@N`, `bon@N`). */
  readonly scorer?: OutcomeScorer | undefined;
  /** The process reward model for step-level searches named by a string (`pf@N`, `beam@NxM`, `astar@K`, …). */
  readonly prm?: ProcessRewardModel | undefined;
  /** Aborts the run; the strategy returns its best so far with `stoppedBy: "abort"`. */
  readonly signal?: AbortSignal | undefined;
  /** The run's clock; default the system's monotonic clock. */
  readonly clock?: Clock | undefined;
  /** Token prices, needed for a `maxCostUsd` limit. */
  readonly price?: TokenPrice | undefined;
}

function toProblem(problem: Problem | string): Problem {
  const value = typeof problem === "string" ? { question: problem } : problem;
  if (typeof value.question !== "string" || (value.question.trim() === "" && value.prompt === undefined)) {
    throw new ConfigError(`problem: expected a non-empty question, got ${JSON.stringify(value.question)}`, {
      field: "problem",
    });
  }
  return value;
}

/**
 * Solves one problem with a strategy on a backend: builds the run's context (a seeded rng, a tracer, a
 * budget over the limits and the caller's signal), then runs the strategy with `runStrategy` (which
 * records `run-start` and `run-end` and measures the cost), and returns its result with the full trace. When the budget, the deadline or the signal cuts the run, the
 * result is the best so far with `partial: true` and the reason in `stoppedBy`; if nothing at all was
 * produced, it throws `BudgetExhaustedError`.
 *
 * @example
 * const result = await solve({
 *   problem: "A farmer has 17 sheep and buys 5 more. How many sheep?",
 *   strategy: "sc@8",
 *   backend,
 *   budget: { maxTotalTokens: 20_000 },
 *   seed: 1,
 * });
 * console.log(result.answer, result.votes, result.usage);
 */
export async function solve(options: SolveOptions): Promise<SolveResult> {
  const problem = toProblem(options.problem);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) {
    throw new ConfigError(`seed: expected an integer, got ${JSON.stringify(options.seed)}`, {
      field: "seed",
    });
  }
  const strategy =
    typeof options.strategy === "string"
      ? parseStrategySpec(options.strategy, { scorer: options.scorer, prm: options.prm })
      : options.strategy;
  const answerFormat =
    options.answerFormat === undefined
      ? autoAnswerFormat
      : typeof options.answerFormat === "string"
        ? answerFormatByName(options.answerFormat)
        : options.answerFormat;
  const clock = options.clock ?? systemClock();
  const tracer = createTracer(clock);
  const budget = createBudget(options.budget ?? {}, { clock, signal: options.signal, price: options.price });
  try {
    const context: StrategyContext = {
      backend: options.backend,
      budget,
      rng: seededRng(seed),
      clock,
      tracer,
      parentId: undefined,
      answerFormat,
      promptTemplate: options.promptTemplate ?? defaultPromptTemplate,
      sampling: options.sampling ?? {},
      signal: budget.signal,
    };
    const result = await runStrategy(strategy, problem, context, { seed });
    return { ...result, strategy: strategy.name, trace: tracer.events() };
  } finally {
    budget.close();
  }
}
