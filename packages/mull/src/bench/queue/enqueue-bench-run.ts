import { Queue } from "bullmq";
import { refuseSymlinkedOutput } from "../../runtime/index.ts";
import { planBench, type RunBenchOptions, startBenchRun } from "../runner/index.ts";
import { acquireRunLock, openRunStore } from "../store/index.ts";
import { type EnqueuedPairs, enqueuePairs, type PairJobOptions } from "./enqueue-pairs.ts";
import { defaultQueueName } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";

/** Where and how `enqueueBenchRun` queues a run's pairs. */
export interface BenchQueueOptions extends PairJobOptions {
  /** The Redis server, `redis://HOST:PORT`. */
  readonly url: string;
  /** The BullMQ queue; default `mull-bench`. */
  readonly queueName?: string | undefined;
  /** The bench options that determine results, as JSON without secrets, carried by every job. */
  readonly recipe: Readonly<Record<string, unknown>>;
}

/** What `enqueueBenchRun` did. */
export interface EnqueuedBenchRun extends EnqueuedPairs {
  readonly directory: string;
  readonly runId: string;
  /** Whether this call created the run (false when it resumed one). */
  readonly created: boolean;
  /** Pairs in the run. */
  readonly total: number;
  /** Pairs already recorded. */
  readonly skipped: number;
  /** Every pair of the run, in problem order then strategy order. */
  readonly pairs: readonly { readonly problemId: string; readonly strategy: string }[];
}

/**
 * Creates or resumes a run in its store exactly as `runBench` does (same configuration hash, same refused
 * and diffed resume), then enqueues every pair without a result as a BullMQ job (`enqueuePairs`) for
 * `mull worker`s to run, and returns without solving anything. The run directory's lock is held only
 * while the run is created and its pairs listed: workers write to the store without it.
 *
 * @throws ConfigError / RunConfigChangedError as `runBench`; ConfigError for a bad Redis URL.
 * @example
 * const run = await enqueueBenchRun(options, { url: "redis://127.0.0.1:6379", recipe });
 * console.log(`${run.added} pairs queued for run ${run.runId}`);
 */
export async function enqueueBenchRun(
  options: RunBenchOptions,
  queueOptions: BenchQueueOptions,
): Promise<EnqueuedBenchRun> {
  const connection = queueConnection(queueOptions.url);
  const plan = planBench(options);
  refuseSymlinkedOutput(options.out, "out", "directory");
  const lock = acquireRunLock(options.out);
  let started: Awaited<ReturnType<typeof startBenchRun>>;
  try {
    const store = await openRunStore(options.out, { synchronous: options.synchronous });
    try {
      started = await startBenchRun(store, options, plan);
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
  const queue = new Queue(queueOptions.queueName ?? defaultQueueName, { connection });
  try {
    const enqueued = await enqueuePairs(
      queue,
      started.pending.map(({ problem, strategy }) => ({
        store: options.out,
        runId: started.runId,
        problemId: problem.id,
        strategy: strategy.name,
        recipe: queueOptions.recipe,
      })),
      queueOptions,
    );
    return {
      directory: options.out,
      runId: started.runId,
      created: started.created,
      total: started.total,
      skipped: started.skipped,
      pairs: plan.problems.flatMap((problem) =>
        plan.strategies.map((strategy) => ({ problemId: problem.id, strategy: strategy.name })),
      ),
      ...enqueued,
    };
  } finally {
    await queue.close();
  }
}
