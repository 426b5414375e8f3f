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

/** The id of the newest event in the queue's event stream, or `0-0` when it has none. */
async function newestEventId(url: string, streamKey: string | undefined): Promise<string> {
  if (streamKey === undefined) return "0-0";
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  // ioredis reconnects and retries the command; its error events would otherwise be printed.
  client.on("error", () => undefined);
  try {
    const [newest] = await client.xrevrange(streamKey, "+", "-", "COUNT", 1);
    return newest?.[0] ?? "0-0";
  } finally {
    client.disconnect();
  }
}

/**
 * Waits until every pair of a queued run is recorded in its store, or failed for good, showing progress.
 * The work per poll does not grow with the run or the queue: the queue's `completed` and `failed` events
 * for this run's jobs (followed from before the wait's first look, so none is missed) announce each pair
 * with its correctness, or its failure with its error; the store is read once in full at the start, then
 * only counted. The store stays the truth: pairs it counted that no event announced within `gracePolls`
 * (a pair recorded by a job that then died, events trimmed away) are read from it, and the wait ends on
 * what it holds. Failed jobs kept from earlier runs are never read.
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
  const events = new QueueEvents(queue.name, {
    connection: queueConnection(options.url),
    // From the newest event before the store and the jobs are first read: what happens after is heard.
    lastEventId: await newestEventId(options.url, queue.keys.events),
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
    const unrecorded = [...pairOfJob].filter(
      ([, pair]) => !shown.has(pairKey(pair.problemId, pair.strategy)),
    );
    const states = await Promise.all(unrecorded.map(([jobId]) => queue.getJobState(jobId)));
    for (const [index, [jobId]] of unrecorded.entries()) {
      if (states[index] !== "failed") continue;
      const job = await queue.getJob(jobId);
      if (job !== undefined) failedJobs.push({ jobId, error: job.failedReason });
    }

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
    await events.close();
  }
}
