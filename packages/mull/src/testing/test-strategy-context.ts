import { autoAnswerFormat } from "../answers/index.ts";
import { createBudget, type RunBudget, type TokenPrice } from "../budget/index.ts";
import { defaultPromptTemplate } from "../generation/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import type {
  AnswerFormat,
  Backend,
  BudgetLimits,
  Clock,
  PromptTemplate,
  SamplingSettings,
  StrategyContext,
} from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { createScriptedBackend } from "./scripted-backend.ts";
import { strictOptionKeys } from "./strict-option-keys.ts";

/** Options of `testStrategyContext`; every one has a default fit for a unit test. */
export interface TestStrategyContextOptions {
  /** The backend the blocks call (default: a scripted backend that answers `unused`). */
  readonly backend?: Backend | undefined;
  /** The budget's limits (default none). */
  readonly limits?: BudgetLimits | undefined;
  /** The budget's token prices, for `maxCostUsd` (default none). */
  readonly price?: TokenPrice | undefined;
  /** The caller's signal, passed to the budget. */
  readonly signal?: AbortSignal | undefined;
  /** The clock of the budget and the tracer (default a fresh `manualClock()`, which moves only when told). */
  readonly clock?: Clock | undefined;
  /** Seed of the context's `rng` (default 1). */
  readonly seed?: number | undefined;
  /** The trace node the work hangs under (default none: the tracer's root). */
  readonly parentId?: string | undefined;
  /** Default `autoAnswerFormat`. */
  readonly answerFormat?: AnswerFormat | undefined;
  /** Default `defaultPromptTemplate`. */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** Default none (`{}`). */
  readonly sampling?: SamplingSettings | undefined;
}

const checkOptionKeys = strictOptionKeys<TestStrategyContextOptions>("testStrategyContext", {
  backend: true,
  limits: true,
  price: true,
  signal: true,
  clock: true,
  seed: true,
  parentId: true,
  answerFormat: true,
  promptTemplate: true,
  sampling: true,
});

/** A strategy context for tests, with its budget as the `RunBudget` it is. */
export interface TestStrategyContext extends StrategyContext {
  readonly budget: RunBudget;
}

/**
 * A `StrategyContext` for testing blocks and strategies without a run around them: a fresh budget over
 * `limits`, a seeded rng, a manual clock and a tracer on it, so that what the code under test charges,
 * draws and records is fixed and can be read back from `context.budget` and `context.tracer`.
 *
 * @throws ConfigError for an option key it does not take, usually a typo (`testStrategyContext: limts:
 * unknown key (testStrategyContext takes backend, limits, …)`): a test must not run against an unlimited
 * budget it meant to limit. Bad limits are refused by `createBudget`.
 * @example
 * const backend = createScriptedBackend({ responses: ["#### 42"] });
 * const context = testStrategyContext({ backend, limits: { maxCalls: 2 }, parentId: "run" });
 * await sampleCandidates({ problem: { question: "6 × 7?" }, n: 2, context });
 * expect(context.budget.spent().usage.calls).toBe(1);
 */
export function testStrategyContext(options: TestStrategyContextOptions = {}): TestStrategyContext {
  checkOptionKeys(options);
  const clock = options.clock ?? manualClock();
  const budget = createBudget(options.limits ?? {}, { clock, signal: options.signal, price: options.price });
  return {
    backend: options.backend ?? createScriptedBackend({ responses: ["unused"] }),
    budget,
    rng: seededRng(options.seed ?? 1),
    clock,
    tracer: createTracer(clock),
    parentId: options.parentId,
    answerFormat: options.answerFormat ?? autoAnswerFormat,
    promptTemplate: options.promptTemplate ?? defaultPromptTemplate,
    sampling: options.sampling ?? {},
    signal: budget.signal,
  };
}
