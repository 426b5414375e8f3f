import { z } from "zod";
import type { MachinePerformance } from "../../metrics/index.ts";
import { integerSchema, parseOptions } from "../../runtime/index.ts";
import type {
  AnswerFormat,
  Backend,
  BudgetLimits,
  Clock,
  OutcomeScorer,
  ProcessRewardModel,
  PromptTemplate,
  SamplingSettings,
  ThinkingCues,
} from "../../spec/index.ts";
import type { BenchDataset } from "../datasets/index.ts";
import type { Grader } from "../graders/index.ts";
import type { ResultRecord, SynchronousMode } from "../store/index.ts";
import type { BenchProgress } from "./bench-progress.ts";
import { defaultClaimLeaseMilliseconds } from "./pair-claims.ts";

/** Options of `runBench`. */
export interface RunBenchOptions {
  readonly dataset: BenchDataset;
  /** Strategy specs, e.g. `["greedy", "sc@4", "sc@8", "sc@16"]`. */
  readonly strategies: readonly string[];
  /** Run every strategy at each temperature (a sweep); names get `@t<temperature>`. */
  readonly temperatures?: readonly number[] | undefined;
  readonly backend: Backend;
  /**
   * The run directory (`bench.sqlite`, `manifest.json` and the lock live there), or with `store` the
   * run's name inside that database.
   */
  readonly out: string;
  /**
   * A PostgreSQL URL (`postgres://user:password@host:5432/database`) to store the run in instead of a
   * directory, so that several processes can write it at once; see `parseRunLocation`.
   */
  readonly store?: string | undefined;
  /** (problem, strategy) pairs solved at once; default 1. */
  readonly concurrency?: number | undefined;
  /** Keep only the first `limit` problems. */
  readonly limit?: number | undefined;
  /** Run seed; every pair's seed derives from it, the problem id and the strategy. Default 0. */
  readonly seed?: number | undefined;
  /** Continue the run stored in `out` (refused if its configuration changed). */
  readonly resume?: boolean | undefined;
  /** Sampling settings for every strategy (a sweep overrides the temperature). */
  readonly sampling?: SamplingSettings | undefined;
  /** Grader; default the dataset's. */
  readonly grader?: Grader | undefined;
  /** How answers are extracted and voted on; default the grader's format. */
  readonly answerFormat?: AnswerFormat | undefined;
  /** Prompt template for problems without a ready prompt; default `solve`'s. */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** A name for a custom prompt template, stored in the configuration. */
  readonly promptTemplateName?: string | undefined;
  /**
   * What budget forcing and live probing append (`force@T`, `probe@NkK`): the model profile's cues;
   * default `defaultThinkingCues`. Stored in the configuration when a strategy uses them.
   */
  readonly thinkingCues?: ThinkingCues | undefined;
  /** Outcome scorer for `bon@N` / `wv@N`; default the dataset's. */
  readonly scorer?: OutcomeScorer | undefined;
  /** Process reward model for step-level searches (`pf@N`, `beam@NxM`, `astar@K`, …). */
  readonly prm?: ProcessRewardModel | undefined;
  /**
   * The backend of a model a routing strategy's route names (`cascade@8:lab-small>lab-large`). The models'
   * names and identities go into the configuration, so runs over other models are not resumed.
   */
  readonly resolveModel?: ((name: string) => Backend) | undefined;
  /** The route of routing specs that name none (`cascade@8`), cheapest model first; e.g. from `--small-model`. */
  readonly route?: readonly string[] | undefined;
  /** Limits per (problem, strategy) run. */
  readonly budget?: BudgetLimits | undefined;
  /** Stops the run: pairs in flight are dropped (not recorded) and the run can be resumed. */
  readonly signal?: AbortSignal | undefined;
  readonly progress?: BenchProgress | undefined;
  /** SQLite `synchronous` level; default `normal` (see `SynchronousMode`). */
  readonly synchronous?: SynchronousMode | undefined;
  /** Called inside each result's write transaction, before it commits (crash tests). */
  readonly beforeCommit?: ((result: ResultRecord) => void) | undefined;
  /**
   * How long a pair this process claimed stays its own without renewal (it renews every third of it):
   * other processes writing the run skip the pair meanwhile, and take it over once a process that died
   * stops renewing. Default 30000 ms; at least 100.
   */
  readonly claimLeaseMilliseconds?: number | undefined;
  /** Clock for latencies; default the system's. */
  readonly clock?: Clock | undefined;
  /**
   * Peak rates of this machine, recorded with a new run for the report's roofline; default measured once
   * per process (`machinePerformance()`).
   */
  readonly machinePerformance?: MachinePerformance | undefined;
}

/** Worded `>= 1` rather than `≥ 1`: these messages predate the shared checkers and callers match them. */
function count(minimum: number) {
  return integerSchema({ minimum, expected: `an integer >= ${minimum}` });
}

const benchNumbers = z.object({
  concurrency: count(1).default(1),
  seed: count(0).default(0),
  limit: count(1).optional(),
  claimLeaseMilliseconds: integerSchema({ minimum: 100, maximum: 86_400_000 }).default(
    defaultClaimLeaseMilliseconds,
  ),
});

/**
 * The numbers among `runBench`'s options, checked, with their defaults: `concurrency` 1, `seed` 0,
 * `claimLeaseMilliseconds` 30000.
 *
 * @throws ConfigError `bench: concurrency must be an integer >= 1, got 0`, naming the field.
 * @example
 * const { concurrency, seed } = parseBenchNumbers(options);
 */
export function parseBenchNumbers(options: RunBenchOptions): z.output<typeof benchNumbers> {
  return parseOptions(benchNumbers, options, "bench");
}
