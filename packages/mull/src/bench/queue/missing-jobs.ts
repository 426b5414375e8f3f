import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { sleep } from "../../runtime/index.ts";
import type { PairJobData } from "./pair-job.ts";

/** How many job ids one `EXISTS` asks about. */
const existsBatch = 500;

/**
 * The jobs among `jobIds` that are not in the queue (neither waiting, running, delayed nor failed), asked
 * with one pipelined `EXISTS` per job, `existsBatch` at a time.
 *
 * @throws the first error Redis answered for a job.
 * @example
 * const gone = await missingJobsOf(redis, queue, pendingJobIds); // ["run-…:sum-3:greedy"]
 */
export async function missingJobsOf(
  redis: Redis,
  queue: Queue<PairJobData>,
  jobIds: readonly string[],
): Promise<string[]> {
  const missing: string[] = [];
  for (let start = 0; start < jobIds.length; start += existsBatch) {
    const batch = jobIds.slice(start, start + existsBatch);
    const pipeline = redis.pipeline();
    for (const jobId of batch) pipeline.exists(queue.toKey(jobId));
    const answers = (await pipeline.exec()) ?? [];
    for (const [index, jobId] of batch.entries()) {
      const [error, exists] = answers[index] ?? [new Error("no answer"), 0];
      if (error) throw error;
      if (exists === 0) missing.push(jobId);
    }
  }
  return missing;
}

/**
 * Resolves true once `redis` is ready for commands (at once when it is), false when it ends for good
 * (closed, out of reconnections) or `signal` aborts first. A connection still being made, or made again
 * after Redis dropped it, is waited for; commands are never queued on it meanwhile.
 */
function readyConnection(redis: Redis, signal: AbortSignal): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  if (redis.status === "end" || signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      redis.off("ready", onReady);
      redis.off("end", onEnd);
      signal.removeEventListener("abort", onAbort);
      resolve(ready);
    };
    const onReady = () => settle(true);
    const onEnd = () => settle(false);
    const onAbort = () => settle(false);
    redis.on("ready", onReady);
    redis.on("end", onEnd);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * How many of `jobIds` are not in the queue (`missingJobsOf`), asked once, as when a wait is interrupted.
 * A connection not ready yet (just opened, or reconnecting) is waited for, within the same `milliseconds`;
 * undefined when it is not ready in time (Redis away), has ended, fails, or the answer takes longer.
 *
 * @example
 * const missing = await missingJobCount(redis, queue, pendingJobIds, 1000); // 0: all still queued
 */
export async function missingJobCount(
  redis: Redis,
  queue: Queue<PairJobData>,
  jobIds: readonly string[],
  milliseconds: number,
): Promise<number | undefined> {
  const timer = new AbortController();
  const late = sleep(milliseconds, timer.signal).then(
    () => undefined,
    () => undefined,
  );
  const count = async (): Promise<number | undefined> => {
    if (!(await readyConnection(redis, timer.signal))) return undefined;
    return (await missingJobsOf(redis, queue, jobIds)).length;
  };
  try {
    return await Promise.race([count().catch(() => undefined), late]);
  } finally {
    timer.abort();
  }
}
