import { z } from "zod";
import type { RunProgress } from "../budget/index.ts";
import { expecting, integerRule, mustBe, numberSchema, objectWithMethods } from "../runtime/index.ts";
import type {
  Backend,
  OutcomeScorer,
  ProcessRewardModel,
  SamplingStrategy,
  Selector,
  StopCondition,
  Strategy,
} from "../spec/index.ts";
import type { StepFormat } from "../steps/index.ts";

// The schemas of the options strategy factories share, for their strict options schemas
// (`checkFactoryOptions`). Each refuses a value of the wrong kind with the field's path and what it must
// be; counts and names are left to the factory's own checks (`checkedByFactory`).

/** An option whose value the factory checks itself (`checkInteger`, `checkOneOf`), in its own words. */
export const checkedByFactory = z.unknown().optional();

/** An outcome scorer: a checker, a judge, a reward model. */
export const outcomeScorerOption = objectWithMethods<OutcomeScorer>({
  expected: "an outcome scorer",
  noun: "scorer",
  methods: ["score"],
});

/** A process reward model, which step-level searches are guided by. */
export const processRewardOption = objectWithMethods<ProcessRewardModel>({
  expected: "a process reward model",
  noun: "process reward model",
  methods: ["score"],
});

/** A sampling temperature: a number ≥ 0, as every backend takes it (0 is greedy). */
export const temperatureOption = numberSchema({ minimum: 0 }).optional();

const sampleCount = integerRule({ minimum: 1 });

/**
 * Refuses the fields of a strategy that break the `Strategy` contract, each at its own path: a `name`
 * that is not a non-empty string (results and traces report it), `parameters` that are not an object, a
 * `samples` count that is not an integer ≥ 1 (wrappers split it into rounds, servers size costs by it), a
 * `worstCaseTokens` or `selectionNote` that is not a function.
 */
function checkStrategyFields(strategy: Strategy, context: z.RefinementCtx): void {
  const refuse = (field: keyof Strategy, expected: string): void => {
    const input: unknown = strategy[field];
    context.addIssue({ code: "custom", path: [field], input, message: mustBe(expected, input) });
  };
  const { name, parameters, samples, worstCaseTokens, selectionNote } = strategy as Partial<
    Record<keyof Strategy, unknown>
  >;
  if (typeof name !== "string" || name === "") refuse("name", 'a non-empty string (its name, e.g. "sc@8")');
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    refuse("parameters", "an object of its settings (e.g. { n: 8 })");
  }
  if (!sampleCount.accepts(samples)) refuse("samples", sampleCount.expected);
  if (worstCaseTokens !== undefined && typeof worstCaseTokens !== "function") {
    refuse("worstCaseTokens", "a function or undefined");
  }
  if (selectionNote !== undefined && typeof selectionNote !== "function") {
    refuse("selectionNote", "a function or undefined");
  }
}

/**
 * A strategy, such as one per model of a cascade: an object with `run`, a `name`, its `parameters` and
 * a `samples` count (`Strategy`). Checked wherever a strategy is accepted (`solve`, `runStrategy`,
 * wrappers), so that a bad field is named by whoever took it (`adaptiveConsistency: inner.samples must
 * be an integer ≥ 1, got -3`) rather than by whatever reads it later.
 */
export const strategyOption = objectWithMethods<Strategy>({
  expected: "a strategy",
  noun: "strategy",
  methods: ["run"],
}).superRefine(checkStrategyFields);

/**
 * A sampling strategy, which a wrapper draws in rounds (`withSamples`) and chooses over with its own
 * `select`, with the fields of any strategy: both are checked before anything is drawn, so a strategy
 * without `select` is refused by name rather than failing after its samples were paid for.
 */
export const samplingStrategyOption = objectWithMethods<SamplingStrategy>({
  expected: "a sampling strategy",
  noun: "strategy",
  methods: ["run", "withSamples", "select"],
}).superRefine(checkStrategyFields);

/** A selector: a function that chooses the answer among candidates. */
export const selectorOption = z.custom<Selector>((value) => typeof value === "function", {
  error: expecting("a selector (a function of the candidates and the context)"),
});

/** Stop conditions checked in order, e.g. `[consensusReached(0.9, 8)]`. */
export const stopConditionsOption = z.array(
  objectWithMethods<StopCondition<RunProgress>>({
    expected: "a stop condition",
    noun: "stop condition",
    methods: ["shouldStop"],
  }),
  { error: expecting("an array of stop conditions") },
);

/** A step format (`stepFormat()`). */
export const stepFormatOption = objectWithMethods<StepFormat>({
  expected: "a step format",
  noun: "step format",
  methods: ["isFinal"],
});

/** A model with the name a route gives it (`NamedBackend`). */
export const namedBackendOption = z.object(
  {
    name: z.string({ error: expecting("a model name") }),
    backend: objectWithMethods<Backend>({
      expected: "a backend",
      noun: "backend",
      methods: ["describe", "capabilities", "generate"],
    }),
  },
  { error: expecting("a named backend ({ name, backend })") },
);

/** Models to route between, smallest first; how many a router needs is its own check. */
export const namedBackendsOption = z.array(namedBackendOption, {
  error: expecting("an array of named backends ({ name, backend }), smallest first"),
});

/** A text option, such as a cue. */
export const textOption = z.string({ error: expecting("a string") });

/** A yes-or-no option. */
export const flagOption = z.boolean({ error: expecting("a boolean") });

/** A function option, such as `resolveModel`. */
export const functionOption = z.custom<(...parameters: never[]) => unknown>(
  (value) => typeof value === "function",
  { error: expecting("a function") },
);
