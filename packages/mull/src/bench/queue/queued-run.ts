import { UnrecoverableError } from "bullmq";
import type { BenchProblem } from "../datasets/index.ts";
import {
  type BenchStrategy,
  type PairContext,
  pairContext,
  planBench,
  type RunBenchOptions,
} from "../runner/index.ts";
import { configDiff, formatConfigChanges, openRunStore, type RunStore } from "../store/index.ts";
import type { PairJobData } from "./pair-job.ts";

/** A run's options rebuilt by a worker from a job's recipe, and what to release when it is done with them. */
export interface RecipeOptions {
  readonly options: RunBenchOptions;
  /** Releases what the options hold (backends); called when the worker stops. */
  readonly dispose?: (() => Promise<void>) | undefined;
}

/** A stored run a worker has prepared once, to run any of its pairs. */
export interface QueuedRun {
  readonly runId: string;
  readonly store: RunStore;
  readonly context: PairContext;
  readonly problems: ReadonlyMap<string, BenchProblem>;
  readonly strategies: ReadonlyMap<string, BenchStrategy>;
  /** Closes the store and releases the options. */
  close(): Promise<void>;
}

/**
 * Prepares a stored run in a worker: rebuilds its options from the job's recipe (`build`), plans it as
 * `runBench` would, opens its store without the run directory's lock (workers write side by side: WAL,
 * a busy timeout and idempotent inserts), and checks that the recomputed configuration hash is the stored
 * run's, so that a worker with another dataset file, model or mull version never records into the run.
 *
 * @throws UnrecoverableError (the job fails at once, without retries) when the store holds no such run or
 * the hashes differ; the message names both hashes and the changed fields.
 * @example
 * const run = await prepareQueuedRun(job.data, (recipe, store) => optionsFromRecipe(recipe, store));
 */
export async function prepareQueuedRun(
  data: PairJobData,
  build: (recipe: Readonly<Record<string, unknown>>, store: string) => Promise<RecipeOptions>,
  storeOptions: { readonly busyTimeoutMilliseconds?: number | undefined } = {},
): Promise<QueuedRun> {
  const built = await build(data.recipe, data.store);
  let store: RunStore | undefined;
  try {
    const plan = planBench(built.options);
    store = await openRunStore(data.store, {
      busyTimeoutMilliseconds: storeOptions.busyTimeoutMilliseconds ?? 30_000,
    });
    const stored = await store.storedRun();
    if (stored === undefined || stored.manifest.runId !== data.runId) {
      throw new UnrecoverableError(
        `${data.store} holds ${stored === undefined ? "no run" : `run ${stored.manifest.runId}`}, not run ${data.runId}`,
      );
    }
    if (stored.manifest.configHash !== plan.hash) {
      const changes = configDiff(stored.config, JSON.parse(JSON.stringify(plan.config)));
      throw new UnrecoverableError(
        `refused: run ${data.runId} in ${data.store} has configuration hash ${stored.manifest.configHash}, ` +
          `but this job's recipe gives ${plan.hash} on this worker` +
          (changes.length > 0 ? `:\n${formatConfigChanges(changes)}` : ""),
      );
    }
    const opened = store;
    const context = pairContext(built.options, plan, opened, new AbortController().signal);
    return {
      runId: data.runId,
      store: opened,
      context,
      problems: new Map(plan.problems.map((problem) => [problem.id, problem])),
      strategies: new Map(plan.strategies.map((strategy) => [strategy.name, strategy])),
      async close() {
        await opened.close();
        await built.dispose?.();
      },
    };
  } catch (error) {
    await store?.close();
    await built.dispose?.();
    throw error;
  }
}
