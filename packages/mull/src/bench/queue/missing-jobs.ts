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
 * How many of `jobIds` are not in the queue (`missingJobsOf`), asked once, as when a wait is interrupted;
 * undefined when Redis is away, fails, or does not answer within `milliseconds`.
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
  if (redis.status !== "ready") return undefined;
  const timer = new AbortController();
  const late = sleep(milliseconds, timer.signal).then(
    () => undefined,
    () => undefined,
  );
  try {
    return await Promise.race([
      missingJobsOf(redis, queue, jobIds).then(
        (missing) => missing.length,
        () => undefined,
      ),
      late,
    ]);
  } finally {
    timer.abort();
  }
}
