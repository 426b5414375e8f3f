/**
 * The methods of `npm run bench:routing` (run from `routing.ts`) and how each is run on a pair of embedded
 * lab models (`RoutePair`): single-model baselines, routers named by a spec that the runner routes
 * `:small>large`, and batch allocations at a fixed total of samples. A new router is one line in
 * `routingMethods` once the catalog has its spec.
 */

import type { BenchProblem } from "../src/bench/datasets/index.ts";
import type { Grader } from "../src/bench/graders/index.ts";
import { addUsage, createBudget, emptyUsage } from "../src/budget/index.ts";
import { ConfigError } from "../src/errors/index.ts";
import {
  allocateCompute,
  type ComputeAllocation,
  cascade,
  type DifficultySignal,
} from "../src/routing/index.ts";
import { seededRng, systemClock } from "../src/runtime/index.ts";
import { solve } from "../src/solve.ts";
import type {
  AnswerFormat,
  Backend,
  PromptTemplate,
  SamplingSettings,
  Strategy,
  StrategyContext,
  Usage,
} from "../src/spec/index.ts";
import {
  massConsistency,
  type NamedBackend,
  parseStrategySpec,
  selfConsistency,
  singleSample,
} from "../src/strategies/index.ts";
import { createTracer, usageByModel } from "../src/trace/index.ts";
import { type RouteRole, routeRoleOf, routeRoles } from "./route-pair.ts";

/** One compared method: a strategy spec on one model or the route, or an allocation over the batch. */
export type RoutingMethod =
  | {
      readonly label: string;
      /** A catalog spec without a model route; a router's (`route: true`) is run as `spec:small>large`. */
      readonly spec: string;
      /** The model a single-model spec runs on. */
      readonly model?: RouteRole | undefined;
      /** Whether the spec is a router, run over the pair as `${spec}:${small}>${large}`. */
      readonly route?: boolean | undefined;
    }
  | {
      readonly label: string;
      /** A router built with the library API, over the pair's models (smallest first). */
      readonly build: (models: readonly NamedBackend[]) => Strategy;
    }
  | {
      readonly label: string;
      /** `allocateCompute` over the batch on `model`, at `samplesPerProblem` × problems samples in all. */
      readonly allocation: ComputeAllocation;
      readonly model: RouteRole;
      readonly samplesPerProblem: number;
      /** Probe samples per problem (adaptive). */
      readonly probe?: number | undefined;
      /** What the probes read and how answers are chosen; default `agreement` (majority votes). */
      readonly signal?: DifficultySignal | undefined;
      /** With the mass signal: each probe opens with the greedy trace. */
      readonly greedyProbe?: boolean | undefined;
      /** The probes come from this model (small-model agreement as the difficulty signal). */
      readonly probeModel?: RouteRole | undefined;
    };

/** GlimpRouter's setting in the compared methods (`glimp@τkK`). */
export interface GlimpSetting {
  /** τ: the step entropy from which the large model writes a step; calibrate it per pair (`bench:glimpse`). */
  readonly threshold: number;
  /** K: how many first tokens of a step are read. */
  readonly glimpse: number;
  /**
   * τ of the handoff variant (`glimp@τkKh`: the large model keeps every step after the first it is handed),
   * calibrated separately (`bench:glimpse`'s handoff rows).
   */
  readonly handoffThreshold: number;
}

/**
 * τ and K calibrated by `npm run bench:glimpse` for the default pair, `lab-v2-small` / `lab-v2-large` (a
 * target of 30% of the steps for the large model; 0.5159 for `lab-small` / `lab-large`; the handoff τ, from
 * `bench:glimpse -- --dataset lab:mixed`, for 40% of the steps).
 */
export const defaultGlimpSetting: GlimpSetting = { threshold: 0.5067, glimpse: 12, handoffThreshold: 0.6634 };

/**
 * The methods compared, in the order printed; GlimpRouter's row at `glimp` (its τ depends on the pair).
 *
 * @example
 * const methods = routingMethods({ threshold: 0.6, glimpse: 12 });
 */
export function routingMethods(glimp: GlimpSetting = defaultGlimpSetting): readonly RoutingMethod[] {
  const glimpSpec = `glimp@${glimp.threshold}k${glimp.glimpse}`;
  const handoffSpec = `glimp@${glimp.handoffThreshold}k${glimp.glimpse}h`;
  return [
    { label: "small greedy", spec: "greedy", model: "small" },
    { label: "small sc@8", spec: "sc@8", model: "small" },
    { label: "large greedy", spec: "greedy", model: "large" },
    { label: "large sc@8", spec: "sc@8", model: "large" },
    { label: "large mass@8", spec: "mass@8", model: "large" },
    { label: "cascade@8", spec: "cascade@8", route: true },
    { label: "cascade@8t0.9", spec: "cascade@8t0.9", route: true },
    { label: "cascade@4x8", spec: "cascade@4x8", route: true },
    { label: "cascade@4x8t1", spec: "cascade@4x8t1", route: true },
    {
      label: "cascade sc@4 > large greedy",
      build: (models) =>
        cascade({
          models,
          small: 4,
          strategies: [selfConsistency({ n: 4 }), singleSample({ temperature: 0 })],
        }),
    },
    // Escalations that stop on proof: the large model samples until its leader's mass is certified.
    {
      label: "cascade sc@4 > large mass@8",
      build: (models) =>
        cascade({ models, small: 4, strategies: [selfConsistency({ n: 4 }), massConsistency({ n: 8 })] }),
    },
    {
      label: "cascade sc@4 > large mass@8, t1",
      build: (models) =>
        cascade({
          models,
          small: 4,
          threshold: 1,
          strategies: [selfConsistency({ n: 4 }), massConsistency({ n: 8 })],
        }),
    },
    {
      label: "cascade sc@4 > large mass@8u0.5, t1",
      build: (models) =>
        cascade({
          models,
          small: 4,
          threshold: 1,
          strategies: [selfConsistency({ n: 4 }), massConsistency({ n: 8, unexploredWeight: 0.5 })],
        }),
    },
    // Both stages stop on proof: the small model's answer stands once its leader's mass is certified.
    { label: "cascade-mass@2x8", spec: "cascade-mass@2x8", route: true },
    { label: "cascade-mass@4x8", spec: "cascade-mass@4x8", route: true },
    // Greedy routers (compare with the greedy rows).
    { label: glimpSpec, spec: glimpSpec, route: true },
    { label: handoffSpec, spec: handoffSpec, route: true },
    { label: "bild@0.7x0.1", spec: "bild@0.7x0.1", route: true },
    { label: "large uniform 4/problem", allocation: "uniform", model: "large", samplesPerProblem: 4 },
    {
      label: "large compute-optimal 4/problem",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 4,
      probe: 2,
    },
    {
      label: "large compute-optimal 4/problem, small probe",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 4,
      probe: 2,
      probeModel: "small",
    },
    { label: "large uniform 8/problem", allocation: "uniform", model: "large", samplesPerProblem: 8 },
    {
      label: "large compute-optimal 8/problem",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 8,
      probe: 4,
    },
    // The same totals with the mass signal: votes by probability mass, extra samples by mass gap.
    {
      label: "large uniform 4/problem, mass vote",
      allocation: "uniform",
      model: "large",
      samplesPerProblem: 4,
      signal: "mass",
    },
    {
      label: "large compute-optimal 4/problem, by mass",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 4,
      probe: 1,
      signal: "mass",
    },
    {
      label: "large compute-optimal 2/problem, by mass",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 2,
      probe: 1,
      signal: "mass",
    },
    {
      label: "large compute-optimal 2/problem, by mass, greedy probe",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 2,
      probe: 1,
      signal: "mass",
      greedyProbe: true,
    },
    {
      label: "large compute-optimal 4/problem, by mass, greedy probe",
      allocation: "adaptive",
      model: "large",
      samplesPerProblem: 4,
      probe: 1,
      signal: "mass",
      greedyProbe: true,
    },
  ];
}

/** What every run of the batch shares. */
export interface RoutingRunSettings {
  /** The pair's names and backends by role. */
  readonly models: Readonly<Record<RouteRole, NamedBackend>>;
  readonly problems: readonly BenchProblem[];
  readonly grader: Grader;
  readonly answerFormat: AnswerFormat;
  readonly promptTemplate: PromptTemplate;
  readonly sampling: SamplingSettings;
  readonly seed: number;
}

/** One method's outcome over the batch. */
export interface RoutingMeasure {
  readonly label: string;
  readonly correct: number;
  readonly problems: number;
  /** Generated tokens by model of the pair. */
  readonly tokens: Readonly<Record<RouteRole, number>>;
  /**
   * Tokens each model of the pair read without generating them: prompt tokens it evaluated, less those its
   * cache held (a prompt, and a router's reading of the other model's tokens, evaluated in batches).
   */
  readonly read: Readonly<Record<RouteRole, number>>;
  readonly samples: number;
  readonly usage: Usage;
  readonly seconds: number;
  /** Problems a cascade sent to the large model. */
  readonly escalated?: number | undefined;
}

/** Prompt tokens a usage evaluated, less those its cache held. */
function uncachedPromptTokens(usage: Usage): number {
  return (usage.promptTokens ?? 0) - (usage.cachedPromptTokens ?? 0);
}

/** The backend of a model a route names: one of the pair's two, nothing else. */
function resolveModel(settings: RoutingRunSettings, name: string): Backend {
  const role = routeRoles.find((candidate) => settings.models[candidate].name === name);
  if (role === undefined) {
    throw new ConfigError(
      `strategy: the route names ${JSON.stringify(name)}; this run has only ${pairName(settings)} loaded`,
      { field: "strategy" },
    );
  }
  return settings.models[role].backend;
}

/** The pair as a route, `small>large`. */
function pairName(settings: RoutingRunSettings): string {
  return `${settings.models.small.name}>${settings.models.large.name}`;
}

function problemContext(settings: RoutingRunSettings, backend: Backend, index: number): StrategyContext {
  const clock = systemClock();
  const budget = createBudget({}, { clock });
  return {
    backend,
    budget,
    rng: seededRng(settings.seed * 100_003 + index),
    clock,
    tracer: createTracer(clock),
    parentId: undefined,
    answerFormat: settings.answerFormat,
    promptTemplate: settings.promptTemplate,
    sampling: settings.sampling,
    signal: budget.signal,
  };
}

async function runOneByOne(
  method: Exclude<RoutingMethod, { allocation: ComputeAllocation }>,
  settings: RoutingRunSettings,
): Promise<Omit<RoutingMeasure, "seconds" | "label">> {
  const routes = "build" in method || method.route === true;
  const strategy =
    "build" in method
      ? method.build(routeRoles.map((role) => settings.models[role]))
      : parseStrategySpec(routes ? `${method.spec}:${pairName(settings)}` : method.spec, {
          resolveModel: (name) => resolveModel(settings, name),
        });
  const backend = settings.models[("model" in method ? method.model : undefined) ?? "small"].backend;
  const tokens: Record<RouteRole, number> = { small: 0, large: 0 };
  const read: Record<RouteRole, number> = { small: 0, large: 0 };
  let correct = 0;
  let samples = 0;
  let escalated = 0;
  let usage = emptyUsage;
  for (const [index, problem] of settings.problems.entries()) {
    const result = await solve({
      problem,
      strategy,
      backend,
      seed: settings.seed * 100_003 + index,
      sampling: settings.sampling,
      answerFormat: settings.answerFormat,
      promptTemplate: settings.promptTemplate,
    });
    if (settings.grader.grade(result.answer, problem.gold)) correct += 1;
    samples += result.candidates.length;
    usage = addUsage(usage, result.usage);
    for (const [name, modelUsage] of Object.entries(usageByModel(result.trace))) {
      tokens[routeRoleOf(name, settings.models)] += modelUsage.completionTokens ?? 0;
      read[routeRoleOf(name, settings.models)] += uncachedPromptTokens(modelUsage);
    }
    if (result.trace.some((event) => event.type === "note" && event.message.includes("escalating"))) {
      escalated += 1;
    }
  }
  return {
    correct,
    problems: settings.problems.length,
    tokens,
    read,
    samples,
    usage,
    ...(routes ? { escalated } : {}),
  };
}

async function runAllocation(
  method: Extract<RoutingMethod, { allocation: ComputeAllocation }>,
  settings: RoutingRunSettings,
): Promise<Omit<RoutingMeasure, "seconds" | "label">> {
  const { backend } = settings.models[method.model];
  const results = await allocateCompute(settings.problems, {
    totalSamples: method.samplesPerProblem * settings.problems.length,
    allocation: method.allocation,
    probe: method.probe,
    signal: method.signal,
    greedyProbe: method.greedyProbe,
    ...(method.probeModel === undefined ? {} : { probeModel: settings.models[method.probeModel] }),
    context: (_, index) => problemContext(settings, backend, index),
  });
  const usage = addUsage(emptyUsage, ...results.map((result) => result.usage));
  const tokens: Record<RouteRole, number> = { small: 0, large: 0 };
  const read: Record<RouteRole, number> = { small: 0, large: 0 };
  if (method.probeModel === undefined) {
    tokens[method.model] = usage.completionTokens ?? 0;
    read[method.model] = uncachedPromptTokens(usage);
  } else {
    for (const role of [method.probeModel, method.model]) {
      const name = settings.models[role].name;
      const used = addUsage(emptyUsage, ...results.map((result) => result.usageByModel[name] ?? emptyUsage));
      tokens[role] += used.completionTokens ?? 0;
      read[role] += uncachedPromptTokens(used);
    }
  }
  return {
    correct: results.filter((result) => settings.grader.grade(result.answer, result.problem.gold)).length,
    problems: results.length,
    tokens,
    read,
    samples: results.reduce((sum, result) => sum + result.samples, 0),
    usage,
  };
}

/**
 * Runs one method over the batch and measures its accuracy, generated tokens by model, samples and wall
 * time.
 *
 * @example
 * const measure = await runRoutingMethod(routingMethods()[4]!, settings);
 */
export async function runRoutingMethod(
  method: RoutingMethod,
  settings: RoutingRunSettings,
): Promise<RoutingMeasure> {
  const started = performance.now();
  const outcome =
    "allocation" in method ? await runAllocation(method, settings) : await runOneByOne(method, settings);
  return { label: method.label, ...outcome, seconds: (performance.now() - started) / 1000 };
}
