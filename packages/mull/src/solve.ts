import { z } from "zod";
import { answerFormatByName, autoAnswerFormat } from "./answers/index.ts";
import { createBudget, type TokenPrice } from "./budget/index.ts";
import { defaultPromptTemplate } from "./generation/index.ts";
import {
  expecting,
  integerSchema,
  mustBe,
  objectWithMethods,
  parseOptions,
  seededRng,
  systemClock,
} from "./runtime/index.ts";
import type {
  AnswerFormat,
  Backend,
  BudgetLimits,
  Clock,
  ModelProfile,
  OutcomeScorer,
  Problem,
  ProcessRewardModel,
  PromptTemplate,
  SamplingSettings,
  SolveResult,
  Strategy,
  StrategyContext,
  ThinkingCues,
} from "./spec/index.ts";
import { parseStrategySpec, runStrategy } from "./strategies/index.ts";
import { usageAttributes, withSpan } from "./telemetry/index.ts";
import { createTracer, usageByModel } from "./trace/index.ts";

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
  /**
   * What the model comes with (`labProfile()` for the lab models): its prompt template, thinking cues,
   * outcome scorer and PRM stand in for `promptTemplate`, `thinkingCues`, `scorer` and `prm` when those are
   * not given, and its sampling defaults lie under `sampling` (which wins field by field), as the CLI,
   * `mull serve` and the bench apply them. Default: none.
   */
  readonly profile?: ModelProfile | undefined;
  /** How answers are read and compared, or a format name (`auto`, `numeric`, `math`, …); default `auto`. */
  readonly answerFormat?: AnswerFormat | string | undefined;
  /** Turns a problem into a prompt; default a chat prompt asking for `#### <answer>` at the end. */
  readonly promptTemplate?: PromptTemplate | undefined;
  /**
   * What budget forcing and live probing append to make the model answer or think on: the model
   * profile's `thinkingCues`; default `defaultThinkingCues`.
   */
  readonly thinkingCues?: ThinkingCues | undefined;
  /** The outcome scorer for strategies named by a string that need one (`wv@N`, `bon@N`). */
  readonly scorer?: OutcomeScorer | undefined;
  /** The process reward model for step-level searches named by a string (`pf@N`, `beam@NxM`, `astar@K`, …). */
  readonly prm?: ProcessRewardModel | undefined;
  /**
   * The backend of a model that a routing strategy's route names (`cascade@8:lab-small>lab-large`), for
   * strategies named by a string; may throw a `ConfigError` for a name it cannot serve. Without it, a route
   * is refused.
   */
  readonly resolveModel?: ((name: string) => Backend) | undefined;
  /**
   * The route of a routing strategy named without one (`cascade@8`), cheapest model first
   * (`["lab-small", "lab-large"]`); each name goes through `resolveModel`.
   */
  readonly route?: readonly string[] | undefined;
  /** Aborts the run; the strategy returns its best so far with `stoppedBy: "abort"`. */
  readonly signal?: AbortSignal | undefined;
  /** The run's clock; default the system's monotonic clock. */
  readonly clock?: Clock | undefined;
  /** Token prices, needed for a `maxCostUsd` limit. */
  readonly price?: TokenPrice | undefined;
}

/** The caller's sampling over a profile's defaults, field by field; a field left undefined keeps the default. */
function underDefaults(
  defaults: SamplingSettings | undefined,
  sampling: SamplingSettings | undefined,
): SamplingSettings {
  const given = Object.entries(sampling ?? {}).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(given) };
}

/** A problem with something to ask: a question that is not blank, or a ready prompt. */
function asksSomething(problem: Partial<Problem> | null): boolean {
  return (
    typeof problem?.question === "string" && (problem.question.trim() !== "" || problem.prompt !== undefined)
  );
}

/** An option checked by what reads it (the strategy, the budget, the backend), or not at all. */
const unchecked = z.unknown().optional();

/** The keys of `SamplingSettings`: an unknown one (`temp`) is a typo. The backend checks the values. */
const samplingSettings = z.strictObject({
  temperature: unchecked,
  topP: unchecked,
  topK: unchecked,
  minP: unchecked,
  maxTokens: unchecked,
  stop: unchecked,
} satisfies Record<keyof SamplingSettings, unknown>);

/**
 * The options of `solve`, checked before anything is built: every key must be one of `SolveOptions` (an
 * unknown one is a typo), the problem and seed are plain data, the sampling keys are known, and the
 * backend, the scorers and the clock have their methods. The strategy, answer format and budget are
 * checked by what reads them.
 */
const solveSettings = z.strictObject({
  problem: z
    .custom<Problem | string>()
    .transform((problem): Problem => (typeof problem === "string" ? { question: problem } : problem))
    .refine(asksSomething, {
      error: (issue) => {
        const given = issue.input;
        const question =
          typeof given === "object" && given !== null ? (given as Partial<Problem>).question : given;
        return mustBe("a non-empty question", question);
      },
    }),
  strategy: z.union(
    [z.string(), objectWithMethods<Strategy>({ expected: "a strategy", noun: "strategy", methods: ["run"] })],
    { error: expecting('a strategy (an object with a run method) or its spec, such as "sc@8"') },
  ),
  backend: objectWithMethods<Backend>({
    expected: "a backend",
    noun: "backend",
    methods: ["describe", "capabilities", "generate"],
  }),
  budget: unchecked,
  seed: integerSchema().default(0),
  sampling: samplingSettings.optional(),
  profile: z
    .custom<ModelProfile>(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as Partial<ModelProfile>).samplingDefaults === "object" &&
        typeof (value as Partial<ModelProfile>).thinkingCues === "object",
      {
        error: (issue) =>
          mustBe("a model profile (an object with samplingDefaults and thinkingCues)", issue.input),
      },
    )
    .optional(),
  answerFormat: unchecked,
  promptTemplate: unchecked,
  thinkingCues: unchecked,
  scorer: objectWithMethods<OutcomeScorer>({
    expected: "an outcome scorer",
    noun: "scorer",
    methods: ["score"],
  }).optional(),
  prm: objectWithMethods<ProcessRewardModel>({
    expected: "a process reward model",
    noun: "process reward model",
    methods: ["score"],
  }).optional(),
  resolveModel: z
    .custom<(name: string) => Backend>((value) => typeof value === "function", {
      error: expecting("a function from a model name to its backend"),
    })
    .optional(),
  route: z.array(z.string(), { error: expecting("an array of model names, smallest first") }).optional(),
  signal: z.instanceof(AbortSignal, { error: expecting("an AbortSignal") }).optional(),
  clock: objectWithMethods<Clock>({ expected: "a clock", noun: "clock", methods: ["now"] }).optional(),
  price: unchecked,
} satisfies Record<keyof SolveOptions, unknown>);

/**
 * Solves one problem with a strategy on a backend: builds the run's context (a seeded rng, a tracer, a
 * budget over the limits and the caller's signal), then runs the strategy with `runStrategy` (which
 * records `run-start` and `run-end` and measures the cost), and returns its result with the full trace. When the budget, the deadline or the signal cuts the run, the
 * result is the best so far with `partial: true` and the reason in `stoppedBy`; if nothing at all was
 * produced, it throws `BudgetExhaustedError`. The run is an OpenTelemetry span `mull.solve <strategy>` (a
 * no-op without a registered tracer provider), with one child span per generation and score call. When
 * more than one model generated (a routing strategy), the result carries `usageByModel`.
 *
 * @throws ConfigError before anything runs: for an unknown option or sampling key (`solve:
 * sampling.temp: unknown key (sampling takes temperature, topP, …)`), a blank problem, a seed that is not
 * an integer (`solve: seed must be an integer, got 1.5`), a backend, clock, scorer or PRM without its
 * methods (`solve: backend must be a backend (an object with describe, capabilities and generate methods),
 * got undefined`; a factory instead of what it returns is named), a profile without sampling defaults and
 * thinking cues, an unknown strategy or answer format, or a bad or unknown
 * budget limit (`createBudget: budget.maxTotalToken: unknown key (budget takes maxTotalTokens, …)`).
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
  const { problem, seed } = parseOptions(solveSettings, options, "solve");
  const { profile } = options;
  const strategy =
    typeof options.strategy === "string"
      ? parseStrategySpec(options.strategy, {
          scorer: options.scorer ?? profile?.outcomeScorer,
          prm: options.prm ?? profile?.processReward,
          resolveModel: options.resolveModel,
          defaultRoute: options.route,
        })
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
      promptTemplate: options.promptTemplate ?? profile?.promptTemplate ?? defaultPromptTemplate,
      sampling: underDefaults(profile?.samplingDefaults, options.sampling),
      ...((options.thinkingCues ?? profile?.thinkingCues) === undefined
        ? {}
        : { thinkingCues: options.thinkingCues ?? profile?.thinkingCues }),
      signal: budget.signal,
    };
    // The strategy runs inside the span, so each generation's span is its child.
    const result = await withSpan(
      `mull.solve ${strategy.name}`,
      { attributes: { "mull.strategy": strategy.name, "mull.samples": strategy.samples, "mull.seed": seed } },
      async (span) => {
        const result = await runStrategy(strategy, problem, context, { seed });
        span.setAttributes({
          "mull.stopped_by": result.stoppedBy,
          "mull.partial": result.partial,
          "mull.candidates": result.candidates.length,
          "mull.calls": result.usage.calls,
          "mull.score_calls": result.scoreCalls,
          ...usageAttributes(result.usage),
        });
        return result;
      },
    );
    const trace = tracer.events();
    const root = trace.find((event) => event.type === "run-start" && event.parentId === undefined);
    const byModel = usageByModel(trace, root?.id);
    return {
      ...result,
      strategy: strategy.name,
      trace,
      ...(Object.keys(byModel).length > 1 ? { usageByModel: byModel } : {}),
    };
  } finally {
    budget.close();
  }
}
