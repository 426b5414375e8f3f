import type { Span } from "@opentelemetry/api";
import { z } from "zod";
import { answerFormatOption } from "./answer-format-option.ts";
import { autoAnswerFormat } from "./answers/index.ts";
import { createBudget, type TokenPrice } from "./budget/index.ts";
import { defaultPromptTemplate, samplingSettingsOption } from "./generation/index.ts";
import { promptTemplateOption } from "./prompt-template-option.ts";
import type { NamedPromptTemplate } from "./prompts/index.ts";
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
import {
  lostSamplesOutcome,
  parseStrategySpec,
  refuseIdenticalSamples,
  refuseUnusedRoute,
  routesModels,
  runStrategy,
  type StrategyEntry,
  strategyCatalogOption,
  watchLostSamples,
} from "./strategies/index.ts";
import { strategyOption } from "./strategies/option-schemas.ts";
import { definedAttributes, usageAttributes, withSpan } from "./telemetry/index.ts";
import { createTracer, usageByModel } from "./trace/index.ts";

/** Options of `solve`. */
export interface SolveOptions {
  /** The problem, or just its question. */
  readonly problem: Problem | string;
  /** A strategy, or its short name (`greedy`, `sc@8`, `bon@4`, `pf@16`, … — see `parseStrategySpec`). */
  readonly strategy: Strategy | string;
  /** The model every generation goes to (a routing strategy's other models come from `resolveModel`). */
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
  /**
   * How answers are read and compared (an object with `name`, `extract`, `key` and `equivalent`), or a
   * format name (`auto`, `numeric`, `math`, `date`, `choice`, `exact`, `text`); default `auto`.
   */
  readonly answerFormat?: AnswerFormat | string | undefined;
  /**
   * Turns a problem into a prompt: a function `(problem) => Prompt`, the template `loadPromptTemplate`
   * returns (its `render` is used), or a built-in template's name (`default`, `lab`, `gsm8k`,
   * `qwen-math`); default the profile's, else a chat prompt asking for `#### <answer>` at the end.
   */
  readonly promptTemplate?: PromptTemplate | NamedPromptTemplate | string | undefined;
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
   * (`["lab-small", "lab-large"]`); each name goes through `resolveModel`. Refused with any other
   * strategy: one that runs on one model (`sc@8`), a spec that names its own route, or a strategy object.
   */
  readonly route?: readonly string[] | undefined;
  /**
   * The entries a `strategy` string is read by (`parseStrategySpec`'s `catalog`); default
   * `strategyCatalog`. A strategy of your own is named by its spec with `[...strategyCatalog, myEntry]`.
   */
  readonly catalog?: readonly StrategyEntry[] | undefined;
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

/**
 * The options of `solve`, checked before anything is built: every key must be one of `SolveOptions` (an
 * unknown one is a typo), the problem and seed are plain data, the sampling keys are known, the
 * backend, the scorers and the clock have their methods, and the answer format and prompt template are
 * ones `solve` can use (a name becomes what it names). The strategy and budget are checked by what reads
 * them.
 */
export const solveSettings = z.strictObject({
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
  strategy: z.union([z.string(), strategyOption], {
    error: expecting('a strategy (an object with a run method) or its spec, such as "sc@8"'),
  }),
  backend: objectWithMethods<Backend>({
    expected: "a backend",
    noun: "backend",
    methods: ["describe", "capabilities", "generate"],
  }),
  budget: unchecked,
  seed: integerSchema().default(0),
  sampling: samplingSettingsOption.optional(),
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
  answerFormat: answerFormatOption.optional(),
  promptTemplate: promptTemplateOption.optional(),
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
  catalog: strategyCatalogOption.optional(),
  signal: z.instanceof(AbortSignal, { error: expecting("an AbortSignal") }).optional(),
  clock: objectWithMethods<Clock>({ expected: "a clock", noun: "clock", methods: ["now"] }).optional(),
  price: unchecked,
} satisfies Record<keyof SolveOptions, unknown>);

/**
 * Solves one problem with a strategy on a backend: builds the run's context (a seeded rng, a tracer, a
 * budget over the limits and the caller's signal), then runs the strategy with `runStrategy` (which
 * records `run-start` and `run-end` and measures the cost), and returns its result with the full trace. When the budget, the deadline or the signal cuts the run, the
 * result is the best so far with `partial: true` and the reason in `stoppedBy`; if nothing at all was
 * produced, or a budget limit stopped the run before any answer, it throws `BudgetExhaustedError`. A call
 * that lost samples (`GenerationResult.lostSamples`) stops the run, which chooses among the samples that
 * finished: `stoppedBy: "samples-lost"`, `partial: true`, and a trace note says how many failed and why
 * (`lostSamplesOutcome`). The run is an OpenTelemetry span `mull.solve <strategy>` (a
 * no-op without a registered tracer provider) from its first check on, so that a run refused by them is
 * recorded too (status error, with the exception), with one child span per generation and score call. When
 * the strategy routes between models (`routesModels`: a cascade, even one that did not escalate) or more
 * than one model generated, the result carries `usageByModel`.
 *
 * @throws ConfigError before anything runs: for an unknown option or sampling key (`solve:
 * sampling.temp: unknown key (sampling takes temperature, topP, …)`) or a `sampling.maxTokens` that is not
 * an integer ≥ 1, a strategy that draws several samples at a temperature of 0 (`refuseIdenticalSamples`:
 * `solve: sampling.temperature must be above 0 for strategy sc@8, got 0: …`), a blank problem, a seed that is not
 * an integer (`solve: seed must be an integer, got 1.5`), a backend, clock, scorer or PRM without its
 * methods (`solve: backend must be a backend (an object with describe, capabilities and generate methods),
 * got undefined`; a factory instead of what it returns is named), a profile without sampling defaults and
 * thinking cues, an unknown strategy, a `route` the strategy would not use (`solve: route
 * ["lab-small","lab-large"] applies to routing strategies only, and "sc@4" runs on one model; …`, also
 * for a spec that names its own route or a strategy object), an answer format that is neither a format nor a format's name
 * (`solve: answerFormat must be an answer format name (auto, numeric, …) or an answer format (an object
 * with extract, key and equivalent methods), got 5`), a prompt template that is neither a function, a
 * loaded template nor a built-in name (`solve: promptTemplate must be a prompt template: …, got
 * "few-shot.json"; for a template file, pass await loadPromptTemplate("few-shot.json")`), or a bad or
 * unknown budget limit (`createBudget: budget.maxTotalToken: unknown key (budget takes maxTotalTokens, …)`).
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
export function solve(options: SolveOptions): Promise<SolveResult> {
  // The span starts before the first check: a run its configuration refuses is recorded, as an error, too.
  return withSpan(`mull.solve ${givenStrategyName(options)}`.trimEnd(), {}, (span) => solveIn(span, options));
}

/**
 * The name of the strategy the caller gave, before it is checked: the spec as written, or the name of a
 * strategy object; empty when there is none to read.
 */
function givenStrategyName(options: unknown): string {
  const given =
    typeof options === "object" && options !== null ? Reflect.get(options, "strategy") : undefined;
  if (typeof given === "string") return given;
  const name = typeof given === "object" && given !== null ? Reflect.get(given, "name") : undefined;
  return typeof name === "string" ? name : "";
}

/** `solve`, inside its span: the span is named after the strategy once it is parsed. */
async function solveIn(span: Span, options: SolveOptions): Promise<SolveResult> {
  const { problem, seed, answerFormat, promptTemplate } = parseOptions(solveSettings, options, "solve");
  const { profile } = options;
  // Before the spec is parsed: a route it names would otherwise be resolved, loading its models.
  refuseUnusedRoute({
    owner: "solve",
    strategy: options.strategy,
    route: options.route,
    catalog: options.catalog,
  });
  const strategy =
    typeof options.strategy === "string"
      ? parseStrategySpec(options.strategy, {
          scorer: options.scorer ?? profile?.outcomeScorer,
          prm: options.prm ?? profile?.processReward,
          resolveModel: options.resolveModel,
          defaultRoute: options.route,
          defaultRouteField: "route",
          catalog: options.catalog,
        })
      : options.strategy;
  span.updateName(`mull.solve ${strategy.name}`);
  span.setAttributes(
    definedAttributes({
      "mull.strategy": strategy.name,
      "mull.samples": strategy.samples,
      "mull.seed": seed,
    }),
  );
  const sampling = underDefaults(profile?.samplingDefaults, options.sampling);
  refuseIdenticalSamples({
    owner: "solve",
    strategy,
    temperature: sampling.temperature,
    field:
      options.sampling?.temperature === undefined
        ? "profile.samplingDefaults.temperature"
        : "sampling.temperature",
  });
  const clock = options.clock ?? systemClock();
  const tracer = createTracer(clock);
  // A call that loses samples stops the run, which chooses among those that finished (`samples-lost`).
  const watch = watchLostSamples(options.backend);
  const signal = AbortSignal.any([...(options.signal === undefined ? [] : [options.signal]), watch.signal]);
  const budget = createBudget(options.budget ?? {}, { clock, signal, price: options.price });
  try {
    const context: StrategyContext = {
      backend: watch.backend,
      budget,
      rng: seededRng(seed),
      clock,
      tracer,
      parentId: undefined,
      answerFormat: answerFormat ?? autoAnswerFormat,
      promptTemplate: promptTemplate ?? profile?.promptTemplate ?? defaultPromptTemplate,
      sampling,
      ...((options.thinkingCues ?? profile?.thinkingCues) === undefined
        ? {}
        : { thinkingCues: options.thinkingCues ?? profile?.thinkingCues }),
      signal: budget.signal,
    };
    // The strategy runs inside the span, so each generation's span is its child.
    const run = await runStrategy(strategy, problem, context, { seed });
    const { stoppedBy, trace } = lostSamplesOutcome({
      lost: watch.lost(),
      owner: strategy.name,
      stoppedBy: run.stoppedBy,
      finished: run.candidates.length,
      callerAborted: options.signal?.aborted === true,
      tracer,
    });
    const result = { ...run, stoppedBy, partial: run.partial || stoppedBy === "samples-lost" };
    span.setAttributes({
      "mull.stopped_by": result.stoppedBy,
      "mull.partial": result.partial,
      "mull.candidates": result.candidates.length,
      "mull.calls": result.usage.calls,
      "mull.score_calls": result.scoreCalls,
      ...usageAttributes(result.usage),
    });
    const root = trace.find((event) => event.type === "run-start" && event.parentId === undefined);
    const byModel = usageByModel(trace, root?.id);
    const models = Object.keys(byModel).length;
    // A route reports its usage by model even when its first model alone generated.
    const split =
      models > 1 ||
      (models === 1 && routesModels({ strategy: options.strategy, trace, catalog: options.catalog }));
    return { ...result, strategy: strategy.name, trace, ...(split ? { usageByModel: byModel } : {}) };
  } finally {
    budget.close();
  }
}
