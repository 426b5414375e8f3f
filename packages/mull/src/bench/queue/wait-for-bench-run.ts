import { type Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { sleep } from "../../runtime/index.ts";
import type { BenchProgress } from "../runner/index.ts";
import { pairKey, type RunStore } from "../store/index.ts";
import { closeQueueWithin } from "./close-queue-within.ts";
import { missingJobCount, missingJobsOf } from "./missing-jobs.ts";
import { type PairJobData, type PairJobResult, pairJobId } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";
import { storeOutage } from "./store-outage.ts";

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
  /**
   * Polls between looks at whether the jobs of the pairs still pending are in the queue; default 10. Two
   * looks in a row that find some gone (Redis restarted empty, or was flushed) end the wait.
   */
  readonly jobCheckPolls?: number | undefined;
  /**
   * Told one line when the store stops answering during the wait (a database restart), or does not answer
   * its first read, and one when it answers again (`storeOutage`); default standard error.
   */
  readonly onStoreOutage?: ((line: string) => void) | undefined;
}

/** How the wait ended. */
export interface BenchRunWait {
  /** Pairs recorded in the store. */
  readonly recorded: number;
  /** Pairs without a result whose job failed after its attempts. */
  readonly failures: readonly QueuedPairFailure[];
  /** True when the signal stopped the wait first. */
  readonly interrupted: boolean;
  /**
   * Pairs neither recorded nor failed whose job is not in the queue: no worker will run them, and only
   * enqueueing them again does (`--resume`). The wait ends when two looks in a row find some; on an
   * interrupted wait it is what one last look found, or undefined when Redis did not answer in time or
   * the store had not answered yet.
   */
  readonly missingJobs: number | undefined;
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
 * Waits until every pair of a queued run is recorded in its store, or failed for good, showing progress.
 * The work per poll does not grow with the run or the queue: the queue's `completed` and `failed` events
 * for this run's jobs (followed from before the wait's first look, so none is missed) announce each pair
 * with its correctness, or its failure with its error; the store is read once in full at the start, then
 * only counted. A store that does not answer, at the start or later, is said once (`onStoreOutage`) and
 * asked again every poll: nothing ends on its account, the signal still does. The store stays the truth:
 * pairs it counted that no event announced within `gracePolls` (a pair recorded by a job that then died,
 * events trimmed away) are read from it, and the wait ends on what it holds. Failed jobs kept from
 * earlier runs are never read. While Redis is away (before the wait or during it) the wait goes on
 * counting the store and ends at the signal; Redis is never waited on for more than
 * `queueAnswerMilliseconds` before the first poll, at the last look or after it. Every `jobCheckPolls`
 * polls while Redis answers, the jobs of the pairs still pending are looked for: when two looks in a row find
 * some gone (Redis restarted empty, or flushed), and the store does not hold them either, no worker will
 * ever run them and the wait ends, saying how many (`missingJobs`). An interrupted wait looks once more, so
 * that its caller can say whether the workers go on with the rest: a wait stopped as it began waits for
 * its own connection to Redis to be ready for that look (`missingJobCount`), within the same bound.
 *
 * @example
 * const wait = await waitForBenchRun({ url, queue, store, runId, pairs, progress });
 * if (wait.failures.length > 0) console.error(wait.failures[0].error);
 */
export async function waitForBenchRun(options: WaitForBenchRunOptions): Promise<BenchRunWait> {
  const { queue, store, runId, pairs, progress, signal } = options;
  const gracePolls = Math.max(1, options.gracePolls ?? 10);
  const jobCheckPolls = Math.max(1, options.jobCheckPolls ?? 10);
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

  const outage = storeOutage(
    store.label,
    options.onStoreOutage ?? ((line) => process.stderr.write(`${line}\n`)),
  );
  const shown = new Set<string>();
  const failures = new Map<string, QueuedPairFailure>();
  /** Whether the store answered its first read, which starts the progress. */
  let started = false;
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
  /** Reads every recorded pair at the start, then asks once for the jobs of the others that failed. */
  const start = async () => {
    for (const key of await store.completedPairs()) shown.add(key);
    started = true;
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
  };
  try {
    /** The job ids of the pairs neither recorded nor failed. */
    const pendingJobIds = () =>
      [...pairOfJob]
        .filter(([, pair]) => {
          const key = pairKey(pair.problemId, pair.strategy);
          return !shown.has(key) && !failures.has(key);
        })
        .map(([jobId]) => jobId);
    /** The look at the pending pairs' jobs under way, and the answer of the last one. */
    let jobCheck: Promise<void> | undefined;
    let jobCheckAnswer: readonly string[] | undefined;
    /** Looks in a row that found jobs missing. */
    let missingLooks = 0;
    let polls = 0;
    /** The store's count at each of the last polls, oldest first. */
    const counted: number[] = [];
    /**
     * How many pending pairs' jobs one last look finds gone; unknown while the store never answered, since
     * a job removed on completion is told from a lost one only by the store holding its pair.
     */
    const lastJobCheck = () =>
      started
        ? missingJobCount(redis, queue, pendingJobIds(), queueAnswerMilliseconds)
        : Promise.resolve(undefined);
    const ended = (missingJobs: number | undefined): BenchRunWait => ({
      recorded: shown.size,
      // In the run's order, for messages that list the first few.
      failures: pairs.flatMap((pair) => failures.get(pairKey(pair.problemId, pair.strategy)) ?? []),
      interrupted: signal?.aborted === true && shown.size + failures.size < pairs.length,
      missingJobs,
    });
    while (true) {
      polls += 1;
      // Events wait for the store's first answer, which says what was recorded before them.
      for (const { jobId, correct } of started ? completedJobs.splice(0) : []) {
        const pair = pairOfJob.get(jobId)!;
        show(pair.problemId, pair.strategy, correct);
      }
      for (const { jobId, error } of started ? failedJobs.splice(0) : []) {
        const pair = pairOfJob.get(jobId)!;
        const key = pairKey(pair.problemId, pair.strategy);
        if (!shown.has(key)) failures.set(key, { problemId: pair.problemId, strategy: pair.strategy, error });
      }
      try {
        // A store away from the start is waited on as one that stops answering during the wait.
        if (!started) await start();
        const count = await store.completedPairCount();
        outage.answered();
        counted.push(count);
        if (counted.length > gracePolls) counted.shift();
        // Events follow commits by milliseconds: pairs counted `gracePolls` ago and still unannounced were
        // missed. Before ending on failures, make sure none of them was recorded after all.
        const ending = shown.size + failures.size >= pairs.length || signal?.aborted === true;
        if (
          shown.size < (counted.length === gracePolls ? counted[0]! : 0) ||
          (ending && shown.size < count)
        ) {
          await readStore();
        }
        if (shown.size + failures.size >= pairs.length) return ended(0);
        if (signal?.aborted === true) return ended(await lastJobCheck());
        if (jobCheckAnswer !== undefined) {
          const answer = jobCheckAnswer;
          jobCheckAnswer = undefined;
          let missing = answer.length;
          if (missing > 0) {
            // A job removed on completion leaves its pair in the store: only pairs it lacks are missing.
            await readStore();
            const pending = new Set(pendingJobIds());
            missing = answer.filter((jobId) => pending.has(jobId)).length;
          }
          missingLooks = missing > 0 ? missingLooks + 1 : 0;
          if (missingLooks >= 2) return ended(missing);
        }
      } catch (error) {
        // The store is the truth: while it does not answer nothing ends on its account; the signal still does.
        outage.failed(error);
        if (signal?.aborted === true) return ended(await lastJobCheck());
      }
      // Only while Redis answers: otherwise the look would wait for it, and the store is counted meanwhile.
      if (started && polls % jobCheckPolls === 0 && jobCheck === undefined && redis.status === "ready") {
        jobCheck = missingJobsOf(redis, queue, pendingJobIds()).then(
          (missing) => {
            jobCheckAnswer = missing;
            jobCheck = undefined;
          },
          () => {
            jobCheck = undefined;
          },
        );
      }
      await sleep(options.pollMilliseconds ?? 500, signal).catch(() => undefined);
    }
  } finally {
    if (started) progress?.stop();
    redis.disconnect();
    // BullMQ's close first waits for the connection to be ready, which never comes while Redis is away.
    await closeQueueWithin(events, { milliseconds: queueAnswerMilliseconds });
  }
}
