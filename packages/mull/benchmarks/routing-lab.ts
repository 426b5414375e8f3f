/**
 * The methods of `npm run bench:routing` (run from `routing.ts`) and how each is run on the embedded lab
 * models: single-model baselines, routers named by a spec with a model route, and batch allocations at a
 * fixed total of samples. A new router is one line in `routingMethods` once the catalog has its spec.
 */

import type { BenchProblem } from "../src/bench/datasets/index.ts";
import type { Grader } from "../src/bench/graders/index.ts";
import { addUsage, createBudget, emptyUsage } from "../src/budget/index.ts";
import { allocateCompute, type ComputeAllocation, cascade } from "../src/routing/index.ts";
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
  type NamedBackend,
  parseStrategySpec,
  selfConsistency,
  singleSample,
} from "../src/strategies/index.ts";
import { createTracer, usageByModel } from "../src/trace/index.ts";

/** The two lab models a route names, smallest first. */
export const routingModels = ["lab-small", "lab-large"] as const;

/** A lab model of the route. */
export type RoutingModel = (typeof routingModels)[number];

/** One compared method: a strategy spec on one model or a route, or an allocation over the batch. */
export type RoutingMethod =
  | {
      readonly label: string;
      /** A catalog spec; a router's names its route (`cascade@8:lab-small>lab-large`). */
      readonly spec: string;
      /** The model a single-model spec runs on. */
      readonly model?: RoutingModel | undefined;
    }
  | {
      readonly label: string;
      /** A router built with the library API, over the route's models (smallest first). */
      readonly build: (models: readonly NamedBackend[]) => Strategy;
    }
  | {
      readonly label: string;
      /** `allocateCompute` over the batch on `model`, at `samplesPerProblem` × problems samples in all. */
      readonly allocation: ComputeAllocation;
      readonly model: RoutingModel;
      readonly samplesPerProblem: number;
      /** Probe samples per problem (adaptive). */
      readonly probe?: number | undefined;
    };

/** The methods compared, in the order printed. */
export const routingMethods: readonly RoutingMethod[] = [
  { label: "small greedy", spec: "greedy", model: "lab-small" },
  { label: "small sc@8", spec: "sc@8", model: "lab-small" },
  { label: "large greedy", spec: "greedy", model: "lab-large" },
  { label: "large sc@8", spec: "sc@8", model: "lab-large" },
  { label: "cascade@8", spec: "cascade@8:lab-small>lab-large" },
  { label: "cascade@8t0.9", spec: "cascade@8t0.9:lab-small>lab-large" },
  { label: "cascade@4x8", spec: "cascade@4x8:lab-small>lab-large" },
  { label: "cascade@4x8t1", spec: "cascade@4x8t1:lab-small>lab-large" },
  {
    label: "cascade sc@4 > large greedy",
    build: (models) =>
      cascade({
        models,
        small: 4,
        strategies: [selfConsistency({ n: 4 }), singleSample({ temperature: 0 })],
      }),
  },
  // Greedy routers (compare with the greedy rows); τ calibrated by `npm run bench:glimpse`.
  { label: "glimp@0.5159k12", spec: "glimp@0.5159k12:lab-small>lab-large" },
  { label: "bild@0.7x0.1", spec: "bild@0.7x0.1:lab-small>lab-large" },
  { label: "large uniform 4/problem", allocation: "uniform", model: "lab-large", samplesPerProblem: 4 },
  {
    label: "large compute-optimal 4/problem",
    allocation: "adaptive",
    model: "lab-large",
    samplesPerProblem: 4,
    probe: 2,
  },
  { label: "large uniform 8/problem", allocation: "uniform", model: "lab-large", samplesPerProblem: 8 },
  {
    label: "large compute-optimal 8/problem",
    allocation: "adaptive",
    model: "lab-large",
    samplesPerProblem: 8,
    probe: 4,
  },
];

/** What every run of the batch shares. */
export interface RoutingRunSettings {
  readonly backends: Readonly<Record<RoutingModel, Backend>>;
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
  /** Generated tokens by model. */
  readonly tokens: Readonly<Record<RoutingModel, number>>;
  readonly samples: number;
  readonly usage: Usage;
  readonly seconds: number;
  /** Problems a cascade sent to the large model. */
  readonly escalated?: number | undefined;
}

/** The lab model a backend's model name is, for usage by model. */
function modelOf(name: string): RoutingModel {
  return name.includes("small") ? "lab-small" : "lab-large";
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
  const routes = "build" in method || method.spec.includes(":");
  const strategy =
    "build" in method
      ? method.build(routingModels.map((name) => ({ name, backend: settings.backends[name] })))
      : parseStrategySpec(method.spec, { resolveModel: (name) => settings.backends[modelOf(name)] });
  const backend = settings.backends[("model" in method ? method.model : undefined) ?? "lab-small"];
  const tokens: Record<RoutingModel, number> = { "lab-small": 0, "lab-large": 0 };
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
      tokens[modelOf(name)] += modelUsage.completionTokens ?? 0;
    }
    if (result.trace.some((event) => event.type === "note" && event.message.includes("escalating"))) {
      escalated += 1;
    }
  }
  return {
    correct,
    problems: settings.problems.length,
    tokens,
    samples,
    usage,
    ...(routes ? { escalated } : {}),
  };
}

async function runAllocation(
  method: Extract<RoutingMethod, { allocation: ComputeAllocation }>,
  settings: RoutingRunSettings,
): Promise<Omit<RoutingMeasure, "seconds" | "label">> {
  const backend = settings.backends[method.model];
  const results = await allocateCompute(settings.problems, {
    totalSamples: method.samplesPerProblem * settings.problems.length,
    allocation: method.allocation,
    probe: method.probe,
    context: (_, index) => problemContext(settings, backend, index),
  });
  const usage = addUsage(emptyUsage, ...results.map((result) => result.usage));
  const tokens: Record<RoutingModel, number> = { "lab-small": 0, "lab-large": 0 };
  tokens[method.model] = usage.completionTokens ?? 0;
  return {
    correct: results.filter((result) => settings.grader.grade(result.answer, result.problem.gold)).length,
    problems: results.length,
    tokens,
    samples: results.reduce((sum, result) => sum + result.samples, 0),
    usage,
  };
}

/**
 * Runs one method over the batch and measures its accuracy, generated tokens by model, samples and wall
 * time.
 *
 * @example
 * const measure = await runRoutingMethod(routingMethods[4]!, settings);
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
