import { type Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { sleep } from "../../runtime/index.ts";
import type { BenchProgress } from "../runner/index.ts";
import { pairKey, type RunStore } from "../store/index.ts";
import { type PairJobData, type PairJobResult, pairJobId } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";

/** A pair whose job failed after all its attempts. */
export interface QueuedPairFailure {
  readonly problemId: string;
  readonly strategy: string;
  /** The last attempt's error. */
  readonly error: string;
}

/** Options of `waitForBenchRun`. */
export interface WaitForBenchRunOptions {
  /** The Redis server, for the queue's events. */
  readonly url: string;
  readonly queue: Queue<PairJobData>;
  /** The run's store, read for what is recorded. */
  readonly store: RunStore;
  readonly runId: string;
  /** Every pair of the run. */
  readonly pairs: readonly { readonly problemId: string; readonly strategy: string }[];
  readonly progress?: BenchProgress | undefined;
  /** Stops waiting (the jobs stay queued). */
  readonly signal?: AbortSignal | undefined;
  /** How often the store's count of recorded pairs and the queue's events are looked at; default 500 ms. */
  readonly pollMilliseconds?: number | undefined;
  /**
   * Polls after which pairs the store counted but no `completed` event announced are read from the store
   * (events missed, or pairs recorded outside the queue); default 10.
   */
  readonly gracePolls?: number | undefined;
}

/** How the wait ended. */
export interface BenchRunWait {
  /** Pairs recorded in the store. */
  readonly recorded: number;
  /** Pairs without a result whose job failed after its attempts. */
  readonly failures: readonly QueuedPairFailure[];
  /** True when the signal stopped the wait first. */
  readonly interrupted: boolean;
}

/**
 * How long Redis may take to answer, at the start, which event is the newest, and, at the end, to close
 * the connection that follows the events, before the wait goes on without it.
 */
export const queueAnswerMilliseconds = 1000;

/**
 * The id of the newest event in the queue's event stream, `0-0` when it has none, or undefined when Redis
 * does not answer within `queueAnswerMilliseconds` (or the signal aborts first).
 */
async function newestEventId(
  redis: Redis,
  streamKey: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  if (streamKey === undefined) return "0-0";
  const timer = new AbortController();
  const newest = redis.xrevrange(streamKey, "+", "-", "COUNT", 1).then(([entry]) => entry?.[0] ?? "0-0");
  const late = sleep(queueAnswerMilliseconds, AbortSignal.any([timer.signal, ...(signal ? [signal] : [])]));
  try {
    return await Promise.race([newest, late.then(() => undefined)]);
  } catch {
    return undefined;
  } finally {
    timer.abort();
  }
}

/** The jobs among `jobIds` that failed after their attempts, with their last error, as BullMQ keeps them. */
async function failedJobsOf(
  redis: Redis,
  queue: Queue<PairJobData>,
  jobIds: readonly string[],
): Promise<{ readonly jobId: string; readonly error: string }[]> {
  const failedKey = queue.keys.failed;
  if (failedKey === undefined || jobIds.length === 0) return [];
  const scores = await Promise.all(jobIds.map((jobId) => redis.zscore(failedKey, jobId)));
  const failed = jobIds.filter((_, index) => scores[index] !== null);
  const reasons = await Promise.all(failed.map((jobId) => redis.hget(queue.toKey(jobId), "failedReason")));
  return failed.map((jobId, index) => ({ jobId, error: reasons[index] ?? "" }));
}

/**
 * Closes the connection that follows the queue's events, within `queueAnswerMilliseconds`. BullMQ's
 * `close()` first waits for the connection to be ready, which never comes while Redis is away: past the
 * bound the underlying ioredis client is dropped (`disconnect()`, no reconnection), which settles it.
 */
async function closeEvents(events: QueueEvents): Promise<void> {
  const closed = events.close().catch(() => undefined);
  const timer = new AbortController();
  const late = sleep(queueAnswerMilliseconds, timer.signal).then(
    () => true,
    () => false,
  );
  if (await Promise.race([closed.then(() => false), late])) {
    // A forced close of a connection still starting drops its ioredis client rather than sending QUIT.
    await events
      .getBackend()
      .connection.close(true)
      .catch(() => undefined);
  }
  timer.abort();
}

/**
 * Waits until every pair of a queued run is recorded in its store, or failed for good, showing progress.
 * The work per poll does not grow with the run or the queue: the queue's `completed` and `failed` events
 * for this run's jobs (followed from before the wait's first look, so none is missed) announce each pair
 * with its correctness, or its failure with its error; the store is read once in full at the start, then
 * only counted. The store stays the truth: pairs it counted that no event announced within `gracePolls`
 * (a pair recorded by a job that then died, events trimmed away) are read from it, and the wait ends on
 * what it holds. Failed jobs kept from earlier runs are never read. While Redis is away (before the wait
 * or during it) the wait goes on counting the store and ends at the signal; Redis is never waited on for
 * more than `queueAnswerMilliseconds` before the first poll or after the last.
 *
 * @example
 * const wait = await waitForBenchRun({ url, queue, store, runId, pairs, progress });
 * if (wait.failures.length > 0) console.error(wait.failures[0].error);
 */
export async function waitForBenchRun(options: WaitForBenchRunOptions): Promise<BenchRunWait> {
  const { queue, store, runId, pairs, progress, signal } = options;
  const gracePolls = Math.max(1, options.gracePolls ?? 10);
  const pairOfJob = new Map(
    pairs.map((pair) => [pairJobId(runId, pair.problemId, pair.strategy), pair] as const),
  );
  const completedJobs: { readonly jobId: string; readonly correct: boolean | undefined }[] = [];
  const failedJobs: { readonly jobId: string; readonly error: string }[] = [];
  // The wait's own connection for its few reads of the queue: while Redis is away its commands wait, and
  // dropping it at the end ends them, where the caller's queue would hold them until Redis answers.
  const connection = queueConnection(options.url);
  const redis = new Redis(options.url, { maxRetriesPerRequest: null });
  redis.on("error", () => {
    // It reconnects; the caller reports an outage from its own queue's connection.
  });
  // From the newest event before the store and the jobs are first read: what happens after is heard. When
  // Redis does not say which is the newest, events are followed from when it answers again.
  const lastEventId = await newestEventId(redis, queue.keys.events, signal);
  const events = new QueueEvents(queue.name, {
    connection,
    ...(lastEventId === undefined ? {} : { lastEventId }),
  });
  events.on("error", () => {
    // BullMQ reconnects and goes on from the last event it read; the store stays the truth.
  });
  events.on("completed", ({ jobId, returnvalue }) => {
    if (!pairOfJob.has(jobId)) return;
    const value = returnvalue as unknown as PairJobResult | string | undefined;
    const result = typeof value === "string" ? (JSON.parse(value) as PairJobResult) : value;
    completedJobs.push({ jobId, correct: typeof result?.correct === "boolean" ? result.correct : undefined });
  });
  events.on("failed", ({ jobId, failedReason }) => {
    if (pairOfJob.has(jobId)) failedJobs.push({ jobId, error: failedReason });
  });

  const shown = new Set<string>();
  const failures = new Map<string, QueuedPairFailure>();
  const show = (problemId: string, strategy: string, correct: boolean | undefined) => {
    const key = pairKey(problemId, strategy);
    if (shown.has(key)) return;
    shown.add(key);
    failures.delete(key);
    progress?.advance({ problemId, strategy, correct });
  };
  /** Reads every recorded pair, announcing those no event did. */
  const readStore = async () => {
    for (const key of await store.completedPairs()) {
      if (shown.has(key)) continue;
      const [problemId, strategy] = JSON.parse(key) as [string, string];
      show(problemId, strategy, undefined);
    }
  };
  try {
    for (const key of await store.completedPairs()) shown.add(key);
    progress?.start(pairs.length, shown.size);
    // Jobs that failed before the events were followed: asked once, for this run's unrecorded pairs only.
    // While Redis is away the answer waits, and the store is polled meanwhile.
    const unrecorded = [...pairOfJob].filter(
      ([, pair]) => !shown.has(pairKey(pair.problemId, pair.strategy)),
    );
    failedJobsOf(
      redis,
      queue,
      unrecorded.map(([jobId]) => jobId),
    ).then(
      (found) => failedJobs.push(...found),
      () => {
        // The connection was dropped first: the wait has ended.
      },
    );

    /** The store's count at each of the last polls, oldest first. */
    const counted: number[] = [];
    while (true) {
      for (const { jobId, correct } of completedJobs.splice(0)) {
        const pair = pairOfJob.get(jobId)!;
        show(pair.problemId, pair.strategy, correct);
      }
      for (const { jobId, error } of failedJobs.splice(0)) {
        const pair = pairOfJob.get(jobId)!;
        const key = pairKey(pair.problemId, pair.strategy);
        if (!shown.has(key)) failures.set(key, { problemId: pair.problemId, strategy: pair.strategy, error });
      }
      const count = await store.completedPairCount();
      counted.push(count);
      if (counted.length > gracePolls) counted.shift();
      // Events follow commits by milliseconds: pairs counted `gracePolls` ago and still unannounced were
      // missed. Before ending on failures, make sure none of them was recorded after all.
      const ending = shown.size + failures.size >= pairs.length || signal?.aborted === true;
      if (shown.size < (counted.length === gracePolls ? counted[0]! : 0) || (ending && shown.size < count)) {
        await readStore();
      }
      if (shown.size + failures.size >= pairs.length || signal?.aborted === true) {
        return {
          recorded: shown.size,
          // In the run's order, for messages that list the first few.
          failures: pairs.flatMap((pair) => failures.get(pairKey(pair.problemId, pair.strategy)) ?? []),
          interrupted: shown.size + failures.size < pairs.length,
        };
      }
      await sleep(options.pollMilliseconds ?? 500, signal).catch(() => undefined);
    }
  } finally {
    progress?.stop();
    redis.disconnect();
    await closeEvents(events);
  }
}
