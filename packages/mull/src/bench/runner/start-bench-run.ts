import type { BenchProblem } from "../datasets/index.ts";
import { pairKey, type RunStore } from "../store/index.ts";
import type { BenchPlan } from "./bench-plan.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { startOrResumeRun } from "./start-or-resume-run.ts";
import type { BenchStrategy } from "./strategy-sweep.ts";

/** A (problem, strategy) pair of a run. */
export interface BenchPair {
  readonly problem: BenchProblem;
  readonly strategy: BenchStrategy;
}

/** A run created or resumed in its store, with the pairs it still lacks. */
export interface StartedBenchRun {
  readonly runId: string;
  /** Whether this call created the run (false when it resumed one). */
  readonly created: boolean;
  /** Pairs in the run. */
  readonly total: number;
  /** Pairs already recorded. */
  readonly skipped: number;
  /** Pairs without a result, in problem order then strategy order. */
  readonly pending: readonly BenchPair[];
}

/**
 * Creates the run in the store, or checks that the stored one may be resumed (`startOrResumeRun`), and
 * lists the pairs that have no result yet. Shared by `runBench`, which solves them and passes its
 * `concurrency` for a new run's manifest, and the queue, which enqueues them (its workers have their own).
 *
 * @throws ConfigError (`--resume`) or RunConfigChangedError, as `startOrResumeRun`.
 * @example
 * const { runId, pending } = await startBenchRun(store, options, planBench(options));
 */
export async function startBenchRun(
  store: RunStore,
  options: RunBenchOptions,
  plan: BenchPlan,
  concurrency?: number,
): Promise<StartedBenchRun> {
  // Asked of a new run only, for its manifest: an HTTP backend probes its server once (and caches it).
  const capabilities =
    (await store.storedRun()) === undefined
      ? await options.backend.capabilities({ signal: options.signal }).catch(() => undefined)
      : undefined;
  const { runId, created } = await startOrResumeRun(store, options, {
    config: plan.config,
    hash: plan.hash,
    strategies: plan.strategies,
    problems: plan.problems,
    capabilities,
    concurrency,
  });
  const done = await store.completedPairs();
  const pending: BenchPair[] = [];
  for (const problem of plan.problems) {
    for (const strategy of plan.strategies) {
      if (!done.has(pairKey(problem.id, strategy.name))) pending.push({ problem, strategy });
    }
  }
  const total = plan.problems.length * plan.strategies.length;
  return { runId, created, total, skipped: total - pending.length, pending };
}
