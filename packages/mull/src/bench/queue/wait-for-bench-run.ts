import { type Queue, QueueEvents } from "bullmq";
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
  /** How often the store and the failed jobs are read; default 500 ms. */
  readonly pollMilliseconds?: number | undefined;
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
 * Waits until every pair of a queued run is recorded in its store, or failed for good, showing progress:
 * the store is the truth for what is recorded (whichever worker recorded it, before or during the wait);
 * the queue's `completed` events only add each pair's correctness to the progress line; failed jobs of
 * the run are read from the queue, so a failure is reported with its error instead of waited on.
 *
 * @example
 * const wait = await waitForBenchRun({ url, queue, store, runId, pairs, progress });
 * if (wait.failures.length > 0) console.error(wait.failures[0].error);
 */
export async function waitForBenchRun(options: WaitForBenchRunOptions): Promise<BenchRunWait> {
  const { queue, store, runId, pairs, progress, signal } = options;
  const keyOfJob = new Map(
    pairs.map((pair) => [
      pairJobId(runId, pair.problemId, pair.strategy),
      pairKey(pair.problemId, pair.strategy),
    ]),
  );
  const correctness = new Map<string, boolean>();
  const events = new QueueEvents(queue.name, { connection: queueConnection(options.url) });
  events.on("error", () => {
    // BullMQ reconnects; the store, polled below, stays the truth.
  });
  events.on("completed", ({ jobId, returnvalue }) => {
    const key = keyOfJob.get(jobId);
    const value = returnvalue as unknown as PairJobResult | string | undefined;
    const result = typeof value === "string" ? (JSON.parse(value) as PairJobResult) : value;
    if (key !== undefined && typeof result?.correct === "boolean") correctness.set(key, result.correct);
  });
  const shown = new Set<string>();
  let started = false;
  try {
    while (true) {
      const done = await store.completedPairs();
      if (!started) {
        started = true;
        for (const key of done) shown.add(key);
        progress?.start(pairs.length, shown.size);
      }
      for (const key of done) {
        if (shown.has(key)) continue;
        shown.add(key);
        const [problemId, strategy] = JSON.parse(key) as [string, string];
        progress?.advance({ problemId, strategy, correct: correctness.get(key) });
      }
      const failures: QueuedPairFailure[] = [];
      for (const job of await queue.getFailed(0, -1)) {
        const key = job.id === undefined ? undefined : keyOfJob.get(job.id);
        if (job.data.runId !== runId || key === undefined || done.has(key)) continue;
        failures.push({
          problemId: job.data.problemId,
          strategy: job.data.strategy,
          error: job.failedReason,
        });
      }
      if (done.size + failures.length >= pairs.length || signal?.aborted === true) {
        return { recorded: done.size, failures, interrupted: done.size + failures.length < pairs.length };
      }
      await sleep(options.pollMilliseconds ?? 500, signal).catch(() => undefined);
    }
  } finally {
    progress?.stop();
    await events.close();
  }
}
