import { UnrecoverableError } from "bullmq";
import type { BackendDescription } from "../../spec/index.ts";
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
import { resolveJobRunLocation } from "./job-run-location.ts";
import type { PairJobData } from "./pair-job.ts";

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
 * run's, so that a worker with another dataset file, model or mull version never records into the run.
 * Given the worker's `concurrency`, it then records how this worker runs the pairs where the run's manifest
 * records none yet (`recordWorkerExecution`), as a local `mull bench` records its own when it creates a
 * run: the report shares each pair's latency among the pairs in flight with it.
 *
 * @throws UnrecoverableError (the job fails at once, without retries) when the store cannot be found or
 * opened with this worker's credentials, holds no such run, or the hashes differ; the message names both
 * hashes and the changed fields.
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
    /** Pairs the worker runs at once, recorded in the manifest; left out, the manifest is not touched. */
    readonly concurrency?: number | undefined;
  } = {},
): Promise<QueuedRun> {
  const location = resolveJobRunLocation(data.store, workerOptions.storeUrl);
  const where = describeRunLocation(location);
  const built = await build(data.recipe, location);
  let store: RunStore | undefined;
  try {
    const plan = planBench(built.options);
    store = await openRunStore(location, {
      busyTimeoutMilliseconds: workerOptions.busyTimeoutMilliseconds ?? 30_000,
    });
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
    if (workerOptions.concurrency !== undefined) {
      await recordWorkerExecution(opened, workerOptions.concurrency, built.options.backend.describe());
    }
    const context = {
      ...pairContext(built.options, plan, opened, new AbortController().signal),
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

/**
 * Records in a queued run's manifest how a worker runs its pairs, the fields a local run's manifest has:
 * the pairs in flight (`concurrency`) and the backend's contexts and threads (replacing those of the
 * process that enqueued the run, which ran nothing). Only where the manifest records no pairs in flight
 * yet: the first worker to prepare the run records its own, and a worker with other settings changes
 * nothing, as a local `--resume` with another concurrency does not.
 */
async function recordWorkerExecution(
  store: RunStore,
  concurrency: number,
  backend: BackendDescription,
): Promise<void> {
  await store.updateManifest((manifest) => {
    if (manifest.concurrency !== undefined) return undefined;
    const { contexts: _contexts, threads: _threads, ...described } = manifest.backend;
    return {
      ...manifest,
      backend: {
        ...described,
        ...(backend.contexts === undefined ? {} : { contexts: backend.contexts }),
        ...(backend.threads === undefined ? {} : { threads: backend.threads }),
      },
      concurrency,
    };
  });
}
