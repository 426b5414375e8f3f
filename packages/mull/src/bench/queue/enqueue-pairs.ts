import type { Queue } from "bullmq";
import { pairKey } from "../store/index.ts";
import { type PairJobData, pairJobId, pairJobName } from "./pair-job.ts";

/** Options of the jobs `enqueuePairs` adds. */
export interface PairJobOptions {
  /** Tries per pair before its job fails; default 3. */
  readonly attempts?: number | undefined;
  /** First retry delay, doubled each try; default 1000 ms. */
  readonly backoffMilliseconds?: number | undefined;
}

/** What `enqueuePairs` did. */
export interface EnqueuedPairs {
  /** Jobs added. */
  readonly added: number;
  /** Pairs whose job was already waiting or running: left alone. */
  readonly queued: number;
  /** Pairs whose job had failed: enqueued again, with all their attempts. */
  readonly retried: number;
  /** Pairs without a job whose result the store recorded since they were listed: left out. */
  readonly recordedMeanwhile: number;
}

/**
 * Enqueues one job per pair under its deterministic id (`pairJobId`): a pair already queued or running is
 * left alone, so enqueuing twice adds nothing; a pair whose job failed (after its attempts) is enqueued
 * again, with all its attempts, so a resume re-runs it. Completed jobs are removed (their results are in
 * the store); failed ones are kept, with their error, until enqueued again. Every job of one call has the
 * same `timestamp`, the call's: a worker that refused a run's jobs checks the run again for jobs with
 * another (`startPairWorker`), so a resume after the cause was fixed is not refused from memory.
 *
 * `recordedPairs`, when given, is asked once after the jobs' states are read, if any pair is to be added:
 * a pair listed as pending whose job completed meanwhile has no job any more (completed ones are removed)
 * but has its result, so it is left out rather than solved again. Should it fail, every pair is added (the
 * worker then finds the pair recorded before solving it).
 *
 * @example
 * const { added } = await enqueuePairs(queue, pairs.map((pair) => ({ ...pair, store, runId, recipe })));
 */
export async function enqueuePairs(
  queue: Queue,
  pairs: readonly PairJobData[],
  options: PairJobOptions = {},
  recordedPairs?: () => Promise<ReadonlySet<string>>,
): Promise<EnqueuedPairs> {
  const withIds = pairs.map((data) => ({ data, id: pairJobId(data.runId, data.problemId, data.strategy) }));
  const states = await Promise.all(withIds.map(({ id }) => queue.getJobState(id)));
  // One timestamp for the whole enqueue: how workers tell a later enqueue's jobs from those they refused.
  const enqueuedAt = Date.now();
  // Read after the states: a job that completed before them has its result in the store by now.
  const recorded =
    recordedPairs === undefined || states.every((state) => isQueued(state))
      ? new Set<string>()
      : await recordedPairs().catch(() => new Set<string>());
  let queued = 0;
  let retried = 0;
  let recordedMeanwhile = 0;
  const fresh: typeof withIds = [];
  for (const [index, pair] of withIds.entries()) {
    const state = states[index];
    if (!isQueued(state) && recorded.has(pairKey(pair.data.problemId, pair.data.strategy))) {
      recordedMeanwhile += 1;
      continue;
    }
    if (state === "failed") {
      // Added anew rather than `retry`: that keeps the job's timestamp and its spent attempts.
      await queue.remove(pair.id);
      fresh.push(pair);
      retried += 1;
    } else if (state === "completed") {
      // Completed, yet the store lacks its result (a store rebuilt under the same run id): run it again.
      await queue.remove(pair.id);
      fresh.push(pair);
    } else if (state === "unknown") {
      fresh.push(pair);
    } else {
      queued += 1;
    }
  }
  await queue.addBulk(
    fresh.map(({ data, id }) => ({
      name: pairJobName,
      data,
      opts: {
        jobId: id,
        timestamp: enqueuedAt,
        attempts: options.attempts ?? 3,
        backoff: { type: "exponential", delay: options.backoffMilliseconds ?? 1000 },
        removeOnComplete: true,
        removeOnFail: false,
      },
    })),
  );
  return { added: fresh.length - retried, queued, retried, recordedMeanwhile };
}

/** Whether a job in `state` is waiting, delayed or running: left alone. */
function isQueued(state: string | undefined): boolean {
  return state !== "failed" && state !== "completed" && state !== "unknown";
}
