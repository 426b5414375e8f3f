import { ConfigError } from "../../errors/index.ts";
import { systemClock } from "../../runtime/index.ts";
import type { AnswerFormat, Clock, OutcomeScorer, PromptTemplate } from "../../spec/index.ts";
import { refuseIdenticalSamples } from "../../strategies/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import { type Grader, graderByName } from "../graders/index.ts";
import { configHash } from "../store/index.ts";
import { type BenchConfig, benchConfig } from "./bench-config.ts";
import { checkAllocationOptions } from "./check-allocation-options.ts";
import { parseBenchNumbers, type RunBenchOptions } from "./run-bench-options.ts";
import { type BenchStrategy, expandStrategySweep } from "./strategy-sweep.ts";

/**
 * What a bench run resolves from its options before touching the store: the problems and strategies it
 * crosses, how it grades, and the configuration (and hash) that a resume or a queued pair is checked
 * against. `runBench`, the queue's enqueuer and its workers all compute it with `planBench`, so a worker
 * on another machine recomputes exactly the hash the run was created with.
 */
export interface BenchPlan {
  /** Pairs in flight at once (in `runBench`; a worker has its own). */
  readonly concurrency: number;
  /** The run seed, checked. */
  readonly seed: number;
  /** How long a pair `runBench` claimed stays its own without renewal (`claimLeaseMilliseconds`), checked. */
  readonly claimLeaseMilliseconds: number;
  readonly clock: Clock;
  readonly grader: Grader;
  readonly answerFormat: AnswerFormat;
  /** The options' scorer or the dataset's. */
  readonly scorer: OutcomeScorer | undefined;
  /** The options' prompt template or the dataset's. */
  readonly promptTemplate: PromptTemplate | undefined;
  readonly strategies: readonly BenchStrategy[];
  /** The problems that run (after `limit`). */
  readonly problems: readonly BenchProblem[];
  readonly config: BenchConfig;
  /** `configHash(config)`. */
  readonly hash: string;
}

/**
 * Refuses a strategy whose samples would all be the same at the temperature its pairs run at: the sweep's
 * (`--temperatures`), else the run's sampling settings (`--temperature`), as `runPair` merges them. An
 * allocation (`alloc@4`) draws its samples per problem at that temperature too.
 */
function refuseIdenticalPairSamples(entry: BenchStrategy, options: RunBenchOptions): void {
  const swept = entry.sampling.temperature !== undefined;
  refuseIdenticalSamples({
    strategy: entry.strategy ?? {
      name: entry.name,
      samples: entry.allocation.samplesPerProblem,
      parameters: {},
    },
    temperature: swept ? entry.sampling.temperature : options.sampling?.temperature,
    field: swept ? "--temperatures" : "--temperature",
  });
}

/**
 * Resolves a bench run's options into its plan (see `BenchPlan`).
 *
 * @throws ConfigError for invalid numbers or strategy specs, a dataset without problems, or a strategy that
 * draws several samples at the temperature 0 its pairs would run at (`refuseIdenticalSamples`, field
 * `--temperatures` where the sweep gave the 0, else `--temperature`), before anything is created.
 * @example
 * const plan = planBench(options);
 * console.log(plan.hash, plan.problems.length * plan.strategies.length);
 */
export function planBench(options: RunBenchOptions): BenchPlan {
  const { concurrency, seed, claimLeaseMilliseconds } = parseBenchNumbers(options);
  const clock = options.clock ?? systemClock();
  const grader = options.grader ?? graderByName(options.dataset.grader);
  const answerFormat = options.answerFormat ?? grader.format;
  const scorer = options.scorer ?? options.dataset.scorer;
  const promptTemplate = options.promptTemplate ?? options.dataset.promptTemplate;
  const strategies = expandStrategySweep(options.strategies, {
    temperatures: options.temperatures,
    scorer,
    prm: options.prm,
    resolveModel: options.resolveModel,
    defaultRoute: options.route,
  });
  for (const strategy of strategies) {
    if (strategy.allocation !== undefined) checkAllocationOptions(strategy, options);
    refuseIdenticalPairSamples(strategy, options);
  }
  const problems =
    options.limit === undefined ? options.dataset.problems : options.dataset.problems.slice(0, options.limit);
  if (problems.length === 0) {
    throw new ConfigError(`dataset ${options.dataset.name} has no problems to run`, { field: "dataset" });
  }
  const config = benchConfig({ options, problems, strategies, grader, answerFormat, scorer });
  return {
    concurrency,
    seed,
    claimLeaseMilliseconds,
    clock,
    grader,
    answerFormat,
    scorer,
    promptTemplate,
    strategies,
    problems,
    config,
    hash: configHash(config),
  };
}
