import { Queue } from "bullmq";
import {
  type BenchQueueOptions,
  closeQueueWithin,
  defaultQueueName,
  enqueueBenchRun,
  type PairJobData,
  queueAnswerMilliseconds,
  queueConnection,
  waitForBenchRun,
} from "../bench/queue/index.ts";
import { type RunBenchOptions, summarizeBench } from "../bench/runner/index.ts";
import { openRunStore, redactUrl } from "../bench/store/index.ts";
import { MullError } from "../errors/index.ts";
import { locationFields, printBenchSummary } from "./print-bench-summary.ts";

/**
 * `mull bench --queue`: creates or resumes the run, enqueues its pending pairs and, with `--wait`, shows
 * the run's progress until every pair is recorded or failed, then prints the summary. Without `--wait`,
 * `--json` prints where the run is as the summary does (`directory`, or `run` and `store`), its id and
 * its pair counts.
 *
 * @throws MullError listing the pairs that failed after their attempts, when the queue lost the jobs of
 *   pairs still pending (Redis restarted empty, or flushed: `--resume` enqueues them again), or when the
 *   wait is interrupted, saying whether the workers go on with the rest.
 */
export async function queueBench(
  options: RunBenchOptions,
  queueOptions: BenchQueueOptions,
  flags: { readonly wait?: boolean | undefined; readonly json?: boolean | undefined },
): Promise<void> {
  const run = await enqueueBenchRun(options, queueOptions);
  // Only the redacted URL is ever shown.
  const storeUrl = run.location.kind === "postgres" ? redactUrl(run.location.url) : undefined;
  // A run in PostgreSQL has a name besides its id: `run NAME (ID) in URL`, not `run ID in run NAME in URL`.
  const where =
    run.location.kind === "postgres"
      ? `run ${run.location.name} (${run.runId}) in ${storeUrl}`
      : `run ${run.runId} in ${run.label}`;
  process.stderr.write(
    `bench: ${where}: ${run.total} pairs, ${run.skipped} already recorded; ` +
      `${run.added} jobs added, ${run.queued} already queued, ${run.retried} failed ones retried ` +
      `(queue ${queueOptions.queueName ?? defaultQueueName})\n`,
  );
  if (flags.wait !== true) {
    if (flags.json === true) {
      // Where the run is, as a finished run's summary says it: `directory`, or `run` and `store`.
      const { runId, created, total, skipped, added, queued, retried } = run;
      const shown = {
        ...locationFields(run.location),
        runId,
        created,
        total,
        skipped,
        added,
        queued,
        retried,
      };
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    }
    return;
  }
  const queue = new Queue<PairJobData>(queueOptions.queueName ?? defaultQueueName, {
    connection: queueConnection(queueOptions.url),
  });
  // Without a listener BullMQ prints every failed reconnection with its stack; one line says it instead.
  let unreachable = false;
  queue.on("error", (error) => {
    if (unreachable) return;
    unreachable = true;
    process.stderr.write(
      `bench: the queue's Redis ${redactUrl(queueOptions.url)} stopped answering (${error.message}); ` +
        "waiting on, the run's store counts what is recorded (Ctrl-C stops waiting)\n",
    );
  });
  const store = await openRunStore(run.location, { synchronous: options.synchronous });
  try {
    const wait = await waitForBenchRun({
      url: queueOptions.url,
      queue,
      store,
      runId: run.runId,
      pairs: run.pairs,
      progress: options.progress,
      signal: options.signal,
    });
    const resume = "enqueue again with the same flags and --resume";
    const lost =
      wait.missingJobs === undefined || wait.missingJobs === 0
        ? undefined
        : `${wait.missingJobs} pending pairs have no job in queue ${queueOptions.queueName ?? defaultQueueName} ` +
          `on ${redactUrl(queueOptions.url)} any more (Redis restarted empty, or was flushed?)`;
    if (lost !== undefined && !wait.interrupted && wait.failures.length === 0) {
      throw new MullError(
        `${lost}: no worker will run them; ${wait.recorded} of ${run.total} pairs recorded in ${run.label}; ` +
          `${resume} to queue the missing pairs`,
      );
    }
    if (wait.failures.length > 0) {
      const shown = wait.failures.slice(0, 5).map((failure) => {
        // A pair's own failure names it already (`problem P, strategy S failed: …`); a refusal does not.
        const pair = `problem ${failure.problemId}, strategy ${failure.strategy}`;
        return `  ${failure.error.startsWith(pair) ? failure.error : `${pair}: ${failure.error}`}`;
      });
      throw new MullError(
        `${wait.failures.length} of ${run.total} pairs failed after their attempts ` +
          `(${wait.recorded} recorded in ${run.label}):\n${shown.join("\n")}` +
          (wait.failures.length > 5 ? `\n  … and ${wait.failures.length - 5} more` : "") +
          (lost === undefined ? "" : `\n${lost}`) +
          `\nfix the cause, then ${resume} to retry them`,
      );
    }
    if (wait.interrupted) {
      const stopped = `stopped waiting: ${wait.recorded} of ${run.total} pairs recorded in ${run.label}; `;
      if (wait.missingJobs === 0) throw new MullError(`${stopped}the workers go on with the queued ones`);
      throw new MullError(
        stopped +
          (lost === undefined
            ? `the queue's Redis or the run's store did not answer, so whether the pending pairs are still queued is unknown; once both answer, ${resume} (it queues only the missing pairs)`
            : `${lost}: ${resume} to queue them`),
      );
    }
    printBenchSummary(
      {
        location: run.location,
        total: run.total,
        skipped: run.skipped,
        recorded: wait.recorded - run.skipped,
      },
      summarizeBench(await store.readRunData()),
      flags.json === true,
    );
  } finally {
    await store.close();
    // Bounded as the wait's own connections are: BullMQ's close waits for ever while Redis is paused.
    await closeQueueWithin(queue, { milliseconds: queueAnswerMilliseconds });
  }
}
