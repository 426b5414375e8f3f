import { UnrecoverableError } from "bullmq";
import type { BenchProblem } from "../datasets/index.ts";
import {
  type BenchStrategy,
  type PairContext,
  pairContext,
  planBench,
  type RunBenchOptions,
} from "../runner/index.ts";
import {
  configDiff,
  describeRunLocation,
  formatConfigChanges,
  openRunStore,
  type RunLocation,
  type RunStore,
  recordedHashMatches,
} from "../store/index.ts";
import { admitRunWorker, type WorkerIdentity, workerIdentity } from "./admit-run-worker.ts";
import { resolveJobRunLocation } from "./job-run-location.ts";
import type { PairJobData } from "./pair-job.ts";
import { recordedByWorker } from "./recorded-by-worker.ts";
import { storeFailuresMarked } from "./store-failures-marked.ts";
import { markStoreFailure } from "./store-unreachable.ts";

/** How a worker's failed pair tells the user to retry it. */
const queuedResumeHint = "enqueue again with the same flags and --resume to retry it";

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
 * Prepares a stored run in a worker: finds its store (`resolveJobRunLocation`: an existing run directory,
 * or a PostgreSQL run opened with the worker's own credentials), rebuilds its options from the job's
 * recipe (`build`), plans it as `runBench` would, opens its store without the run directory's lock
 * (workers write side by side: WAL, a busy timeout and idempotent inserts), and checks that the recomputed configuration hash is the stored
 * run's, so that a worker with another dataset file, model, seed or sampling never records into the run.
 * It then admits the worker (`admitRunWorker`): refused when it runs other versions of mull or of its
 * backend's software than the run records; otherwise, given the worker's `concurrency`, recorded in the
 * manifest's `workers` with its pairs in flight, contexts, threads, machine and versions (the first one
 * recorded also stands for the run's execution, as a local `mull bench` records its own when it creates
 * a run: the report shares each pair's latency among the pairs in flight with it). Each result the
 * worker records through the run's context names it (`recordedByWorker`: its identity's `id`). Every
 * error of the store, opening it included, is marked as the store's (`storeFailuresMarked`), so that the
 * worker tells a store it cannot reach (`storeUnreachable`) from a backend that refuses connections.
 *
 * @throws UnrecoverableError (the job fails at once, without retries) when the store cannot be found or
 * opened with this worker's credentials, holds no such run, the hashes differ (the message names both
 * hashes and the changed fields, each with the run's value and this worker's), or the versions differ
 * (naming each, with both values).
 * @example
 * const run = await prepareQueuedRun(job.data, (recipe, location) => optionsFromRecipe(recipe, location));
 */
export async function prepareQueuedRun(
  data: PairJobData,
  build: (recipe: Readonly<Record<string, unknown>>, location: RunLocation) => Promise<RecipeOptions>,
  workerOptions: {
    readonly busyTimeoutMilliseconds?: number | undefined;
    /** The worker's own PostgreSQL URL (`mull worker --store`), used for the run whose job URL it redacts to. */
    readonly storeUrl?: string | undefined;
    /** Pairs the worker runs at once, recorded in the manifest; left out, the worker is only checked. */
    readonly concurrency?: number | undefined;
    /**
     * How the worker is named in the manifest's `workers` and in the results it records; default a new
     * `workerIdentity()`.
     */
    readonly identity?: WorkerIdentity | undefined;
  } = {},
): Promise<QueuedRun> {
  const location = resolveJobRunLocation(data.store, workerOptions.storeUrl);
  const where = describeRunLocation(location);
  const built = await build(data.recipe, location);
  let store: RunStore | undefined;
  try {
    const plan = planBench(built.options);
    // Its failures are marked as the store's: a job whose store cannot be reached waits for it (the
    // worker pauses) instead of spending its attempts, which a backend's refused connection still spends.
    const opening = openRunStore(location, {
      busyTimeoutMilliseconds: workerOptions.busyTimeoutMilliseconds ?? 30_000,
    });
    store = storeFailuresMarked(
      await opening.catch((error: unknown) => {
        throw markStoreFailure(error);
      }),
    );
    const stored = await store.storedRun();
    if (stored === undefined || stored.manifest.runId !== data.runId) {
      throw new UnrecoverableError(
        `${where} holds ${stored === undefined ? "no run" : `run ${stored.manifest.runId}`}, not run ${data.runId}`,
      );
    }
    if (!recordedHashMatches(stored.manifest.configHash, stored.config, plan.hash)) {
      const changes = configDiff(stored.config, JSON.parse(JSON.stringify(plan.config)));
      throw new UnrecoverableError(
        `refused: run ${data.runId} in ${where} has configuration hash ${stored.manifest.configHash}, ` +
          `but this job's recipe gives ${plan.hash} on this worker` +
          (changes.length > 0 ? `:\n${formatConfigChanges(changes)}` : ""),
      );
    }
    const opened = store;
    const identity = workerOptions.identity ?? workerIdentity();
    await admitRunWorker(opened, {
      identity,
      concurrency: workerOptions.concurrency,
      backend: built.options.backend,
      runLabel: `run ${data.runId} in ${where}`,
    });
    const context = {
      ...pairContext(
        built.options,
        plan,
        recordedByWorker(opened, identity.id),
        new AbortController().signal,
      ),
      resumeHint: queuedResumeHint,
    };
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
