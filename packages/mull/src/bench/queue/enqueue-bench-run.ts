import { Queue } from "bullmq";
import { ConfigError, MullError } from "../../errors/index.ts";
import { refuseSymlinkedOutput } from "../../runtime/index.ts";
import { planBench, type RunBenchOptions, startBenchRun } from "../runner/index.ts";
import {
  acquireRunLock,
  describeRunLocation,
  openRunStore,
  parseRunLocation,
  type RunLocation,
  type RunLock,
  redactUrl,
} from "../store/index.ts";
import { checkQueueName } from "./check-queue-name.ts";
import { checkQueueReachable, defaultReachMilliseconds } from "./check-queue-reachable.ts";
import { closeQueueWithin } from "./close-queue-within.ts";
import { type EnqueuedPairs, enqueuePairs, type PairJobOptions } from "./enqueue-pairs.ts";
import { jobRunLocation } from "./job-run-location.ts";
import { defaultQueueName } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";

/** Where and how `enqueueBenchRun` queues a run's pairs. */
export interface BenchQueueOptions extends PairJobOptions {
  /** The Redis server, `redis://HOST:PORT`. */
  readonly url: string;
  /** The BullMQ queue; default `mull-bench`. Not empty, without `:` (`checkQueueName`). */
  readonly queueName?: string | undefined;
  /** The bench options that determine results, as JSON without secrets, carried by every job. */
  readonly recipe: Readonly<Record<string, unknown>>;
  /**
   * How long to wait for Redis to answer before the run is created, and when closing the queue after the
   * enqueue (then the connection is dropped: every add was answered, nothing is lost); default 5000 ms.
   */
  readonly reachMilliseconds?: number | undefined;
}

/** What `enqueueBenchRun` did. */
export interface EnqueuedBenchRun extends EnqueuedPairs {
  /** `out`: the run directory, or the run's name in the database. */
  readonly directory: string;
  /** Where the run is stored (with the password, as given: not for messages). */
  readonly location: RunLocation;
  /** The location for messages (`describeRunLocation`: the password redacted). */
  readonly label: string;
  readonly runId: string;
  /** Whether this call created the run (false when it resumed one). */
  readonly created: boolean;
  /** Pairs in the run. */
  readonly total: number;
  /** Pairs already recorded: when the run was listed, or before their job was added (`recordedMeanwhile`). */
  readonly skipped: number;
  /** Every pair of the run, in problem order then strategy order. */
  readonly pairs: readonly { readonly problemId: string; readonly strategy: string }[];
}

/**
 * Creates or resumes a run in its store exactly as `runBench` does (same configuration hash, same refused
 * and diffed resume), in its run directory or, with `options.store`, in PostgreSQL; then enqueues every
 * pair without a result as a BullMQ job (`enqueuePairs`) for `mull worker`s to run, and returns without
 * solving anything. A run directory's lock is held only while the run is created and its pairs listed:
 * workers write to the store without it (a PostgreSQL run has no lock). Jobs carry the location with the
 * database password redacted (`jobRunLocation`): workers connect with their own `--store`.
 *
 * Redis is reached once before the run is created (`checkQueueReachable`), so an unreachable queue
 * creates nothing; should it fail after that, the error says the run exists and to enqueue with --resume.
 *
 * @throws ConfigError / RunConfigChangedError as `runBench`; ConfigError for a bad Redis URL, a queue name
 *   BullMQ refuses (`queueName "runs:gsm8k": expected a BullMQ queue name: …`, before the run is created)
 *   or a login Redis refuses; MullError naming `--queue` and the redacted URL when Redis cannot be reached or the
 *   enqueueing fails.
 * @example
 * const run = await enqueueBenchRun(options, { url: "redis://127.0.0.1:6379", recipe });
 * console.log(`${run.added} pairs queued for run ${run.runId}`);
 */
export async function enqueueBenchRun(
  options: RunBenchOptions,
  queueOptions: BenchQueueOptions,
): Promise<EnqueuedBenchRun> {
  const connection = queueConnection(queueOptions.url);
  // Before the run is created: BullMQ refuses such a name only when the queue opens, with a stack trace.
  checkQueueName(queueOptions.queueName, "queueName");
  const plan = planBench(options);
  const batch = plan.strategies.find((strategy) => strategy.allocation !== undefined);
  if (batch !== undefined) {
    throw new ConfigError(
      `--queue: ${batch.name} allocates samples over the whole batch, whose probes must all be known before any extra sample, so it runs in one process; run it without --queue`,
      { field: "strategies" },
    );
  }
  const location = parseRunLocation(options.out, options.store);
  // Before the run is created: an unreachable queue must leave nothing behind to --resume.
  await checkQueueReachable(queueOptions.url, { timeoutMilliseconds: queueOptions.reachMilliseconds });
  const reachMilliseconds = queueOptions.reachMilliseconds ?? defaultReachMilliseconds;
  let lock: RunLock | undefined;
  if (location.kind === "sqlite") {
    refuseSymlinkedOutput(location.directory, "out", "directory");
    lock = acquireRunLock(location.directory);
  }
  let started: Awaited<ReturnType<typeof startBenchRun>>;
  try {
    const store = await openRunStore(location, { synchronous: options.synchronous });
    try {
      started = await startBenchRun(store, options, plan);
    } finally {
      await store.close();
    }
  } finally {
    lock?.release();
  }
  const store = jobRunLocation(location);
  const label = describeRunLocation(location);
  // A command fails after one retry instead of waiting for ever (this queue never blocks, unlike a worker).
  const queue = new Queue(queueOptions.queueName ?? defaultQueueName, {
    connection: { ...connection, maxRetriesPerRequest: 1 },
  });
  let connectionError: string | undefined;
  const enqueueFailure = (error: unknown): MullError => {
    const shown = redactUrl(queueOptions.url);
    const detail = (error instanceof Error ? error.message : String(error)).replaceAll(
      queueOptions.url,
      shown,
    );
    const reason = connectionError === undefined || connectionError === detail ? "" : ` (${connectionError})`;
    // A run in PostgreSQL has a name besides its id: `run NAME (ID) in URL`, not `run ID in run NAME in URL`.
    const run =
      location.kind === "postgres"
        ? `run ${location.name} (${started.runId}) in ${redactUrl(location.url)}`
        : `run ${started.runId} in ${label}`;
    return new MullError(
      `--queue: enqueueing on ${shown} failed: ${detail}${reason}; ` +
        `${run} ${started.created ? "was created" : "is kept"}: ` +
        "enqueue again with the same flags and --resume",
      { cause: error },
    );
  };
  // Without a listener ioredis prints every failed reconnection; the last one explains a failed enqueue.
  queue.on("error", (error) => {
    connectionError = error.message;
  });
  try {
    await connectWithin(queue, reachMilliseconds).catch((error: unknown) => {
      throw enqueueFailure(error);
    });
    const enqueued = await enqueuePairs(
      queue,
      started.pending.map(({ problem, strategy }) => ({
        store,
        runId: started.runId,
        problemId: problem.id,
        strategy: strategy.name,
        recipe: queueOptions.recipe,
      })),
      queueOptions,
      async () => {
        const reread = await openRunStore(location, { synchronous: options.synchronous });
        try {
          return await reread.completedPairs();
        } finally {
          await reread.close();
        }
      },
    ).catch((error: unknown) => {
      throw enqueueFailure(error);
    });
    return {
      directory: options.out,
      location,
      label,
      runId: started.runId,
      created: started.created,
      total: started.total,
      skipped: started.skipped + enqueued.recordedMeanwhile,
      pairs: plan.problems.flatMap((problem) =>
        plan.strategies.map((strategy) => ({ problemId: problem.id, strategy: strategy.name })),
      ),
      ...enqueued,
    };
  } finally {
    // Bounded: BullMQ's close waits for Redis to answer its QUIT, for ever while Redis is paused.
    await closeQueueWithin(queue, { milliseconds: reachMilliseconds });
  }
}

/** Waits until the queue's connection is ready, for at most `milliseconds` (BullMQ alone waits for ever). */
async function connectWithin(queue: Queue, milliseconds: number): Promise<void> {
  const ready = queue.waitUntilReady();
  // Closing the queue rejects a connection still being made: handled here whatever the race's outcome.
  ready.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within ${milliseconds} ms`)), milliseconds);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
