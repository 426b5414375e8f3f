import { defaultThinkingCues } from "../../generation/index.ts";
import type { AnswerFormat, BackendDescription, OutcomeScorer } from "../../spec/index.ts";
import type { StrategyNeed } from "../../strategies/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import type { Grader } from "../graders/index.ts";
import { canonicalJson, configHash } from "../store/index.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import type { BenchStrategy } from "./strategy-sweep.ts";

/** What a bench run's configuration is computed from: the options, and what `runBench` resolved from them. */
export interface BenchConfigSources {
  readonly options: RunBenchOptions;
  /** The problems that run (after `limit`). */
  readonly problems: readonly BenchProblem[];
  readonly strategies: readonly BenchStrategy[];
  readonly grader: Grader;
  readonly answerFormat: AnswerFormat;
  /** The outcome scorer the strategies were built with (the options' or the dataset's). */
  readonly scorer: OutcomeScorer | undefined;
}

function anyNeeds(strategies: readonly BenchStrategy[], need: StrategyNeed): boolean {
  return strategies.some((strategy) => strategy.needs.includes(need));
}

/**
 * The model hash that pins a run's configuration: an embedded model's. A server's (the local file its
 * model path names) is recorded in the manifest but pins nothing: it may be known only once a big file is
 * hashed, after the configuration is computed, and a server may load another file under the same URL.
 */
function pinnedHash(described: BackendDescription | undefined): string | undefined {
  return described?.baseUrl === undefined ? described?.modelHash : undefined;
}

/**
 * Each routing strategy's route, and each routed model's identity (as its backend describes it), or
 * `undefined` when no strategy routes.
 */
function routesOf(options: RunBenchOptions, strategies: readonly BenchStrategy[]) {
  const routing = strategies.filter((strategy) => strategy.route !== undefined);
  if (routing.length === 0) return undefined;
  const names = [...new Set(routing.flatMap((strategy) => strategy.route ?? []))];
  return {
    byStrategy: Object.fromEntries(routing.map((strategy) => [strategy.name, strategy.route!.join(">")])),
    models: Object.fromEntries(
      names.map((name) => {
        const described = options.resolveModel?.(name).describe();
        return [
          name,
          { model: described?.model, baseUrl: described?.baseUrl, modelHash: pinnedHash(described) },
        ];
      }),
    ),
  };
}

/**
 * The configuration of a bench run, stored with it and hashed, so that a `--resume` with other settings
 * is refused. Only what determines results goes in: not concurrency, progress or the directory. The
 * scorer, the process reward model and the thinking cues count only when a strategy's catalog entry needs
 * them, so adding a scorer to a run of `sc@N` does not change its configuration; likewise the routes of
 * routing strategies (`cascade@8:lab-small>lab-large`, or `--small-model`) and the routed models.
 *
 * @example
 * const hash = configHash(benchConfig({ options, problems, strategies, grader, answerFormat, scorer }));
 */
export function benchConfig(sources: BenchConfigSources) {
  const { options, problems, strategies, grader, answerFormat, scorer } = sources;
  const backend = options.backend.describe();
  return {
    dataset: {
      name: options.dataset.name,
      problems: problems.length,
      contentHash: configHash(
        problems.map((problem) => [problem.id, problem.question, problem.gold, problem.prompt ?? null]),
      ),
    },
    strategies: strategies.map((strategy) => strategy.name),
    temperatures: options.temperatures,
    backend: {
      kind: backend.kind,
      model: backend.model,
      baseUrl: backend.baseUrl,
      modelHash: pinnedHash(backend),
    },
    seed: options.seed ?? 0,
    limit: options.limit,
    sampling: options.sampling === undefined ? undefined : JSON.parse(canonicalJson(options.sampling)),
    grader: grader.name,
    answerFormat: answerFormat.name,
    scorer: anyNeeds(strategies, "scorer") ? scorer?.name : undefined,
    prm: anyNeeds(strategies, "prm") ? options.prm?.name : undefined,
    thinkingCues: anyNeeds(strategies, "prefix") ? (options.thinkingCues ?? defaultThinkingCues) : undefined,
    routes: routesOf(options, strategies),
    budget: options.budget,
    promptTemplate:
      options.promptTemplateName ??
      (options.promptTemplate !== undefined
        ? "custom"
        : options.dataset.promptTemplate === undefined
          ? "default"
          : (options.dataset.promptTemplateName ?? "custom")),
  };
}

/** A bench run's configuration, as `benchConfig` computes it. */
export type BenchConfig = ReturnType<typeof benchConfig>;
