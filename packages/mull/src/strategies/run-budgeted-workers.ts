import type { AffordableWorkers } from "../budget/index.ts";
import type { StopReason } from "../spec/index.ts";

/** Options of `runBudgetedWorkers`. */
export interface BudgetedWorkersOptions<Result> {
  /** Workers wanted in all. */
  readonly wanted: number;
  /**
   * How many of the `wanted − started` not yet started the budget affords to start now, with the limit
   * that holds back the rest (`affordableWorkers`). Asked before the first wave and each time a worker
   * ends, so it sees what the workers still running hold of the budget.
   */
  readonly affordable: (started: number) => AffordableWorkers;
  /**
   * Starts `count` workers at once, numbered `first` on, and returns them in that order; called right
   * after `affordable`, with no wait in between, so a wave can share what the budget has left.
   */
  readonly startWave: (count: number, first: number) => readonly Promise<Result>[];
  /** Whether to start no more workers (a decided vote); asked before each wave. Default never. */
  readonly stop?: (() => boolean) | undefined;
}

/** What `runBudgetedWorkers` ran. */
export interface BudgetedWorkersResult<Result> {
  /** Each started worker's outcome, in the order they were started. */
  readonly settled: readonly PromiseSettledResult<Result>[];
  /**
   * The limit that kept the rest of the `wanted` workers from starting; `undefined` when all started, `stop`
   * held or a worker failed.
   */
  readonly shortfall: StopReason | undefined;
}

/**
 * Runs up to `wanted` workers side by side under a budget: as many at once as the budget affords
 * (`affordable`), and each time one ends, as many more as what it spent and what the others still hold
 * leave room for, until all have started, `stop` holds, or none is running and none more fits. A worker
 * that rejects is settled as such, and no more start after it: those running run on to their end.
 *
 * @example
 * const { settled, shortfall } = await runBudgetedWorkers({
 *   wanted: 8,
 *   affordable: (started) => affordableWorkers(context.budget, 8 - started, { calls: 1, promptTokens: 40, completionTokens: 200 }),
 *   startWave: (count) => Array.from({ length: count }, () => sampleCandidates({ problem, n: 1, context })),
 * });
 */
export async function runBudgetedWorkers<Result>(
  options: BudgetedWorkersOptions<Result>,
): Promise<BudgetedWorkersResult<Result>> {
  const { wanted } = options;
  const settled: PromiseSettledResult<Result>[] = [];
  const running = new Set<Promise<void>>();
  let started = 0;
  let shortfall: StopReason | undefined;
  let failed = false;
  const launch = (): void => {
    if (failed || started >= wanted || options.stop?.() === true) {
      shortfall = undefined;
      return;
    }
    const fit = options.affordable(started);
    const count = Math.max(0, Math.min(fit.count, wanted - started));
    shortfall = count < wanted - started ? fit.shortfall : undefined;
    if (count === 0) return;
    const first = started;
    started += count;
    options.startWave(count, first).forEach((worker, offset) => {
      const index = first + offset;
      const tracked: Promise<void> = worker
        .then(
          (value) => {
            settled[index] = { status: "fulfilled", value };
          },
          (reason: unknown) => {
            settled[index] = { status: "rejected", reason };
            failed = true;
          },
        )
        .finally(() => running.delete(tracked));
      running.add(tracked);
    });
  };
  launch();
  while (running.size > 0) {
    await Promise.race(running);
    launch();
  }
  return { settled: settled.filter((outcome) => outcome !== undefined), shortfall };
}
