import { resolve } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { checkQueueName } from "../../bench/queue/check-queue-name.ts";
import { defaultQueueName } from "../../bench/queue/pair-job.ts";
import { parseRunLocation, redactUrl } from "../../bench/store/index.ts";
import { type BenchRecipe, benchOptionsFromRecipe } from "../bench-recipe.ts";
import { checkStoreReachable } from "../check-store-reachable.ts";
import { failOnClosedPipe } from "../fail-on-closed-pipe.ts";
import { integerOption } from "../option-parsers.ts";
import { refuseEmptyStore } from "../refuse-empty-store.ts";

/**
 * `mull worker`: takes (problem, strategy) jobs that `mull bench --queue` enqueued, runs each exactly as
 * `mull bench` would and records it in the run's store: a run directory every worker sees at the same
 * path, or a PostgreSQL run, opened with the worker's own `--store` URL (jobs carry the URL with its
 * password redacted; a job whose URL is `--store`'s redacted form uses `--store`). The `--store` database
 * and then Redis are reached once first: a worker that cannot reach either, or whose login either refuses,
 * stops at once rather than failing every job it takes; one that loses Redis later says so once and
 * reconnects, and one whose store stops answering later says so once and takes no jobs until it answers,
 * putting back the jobs that met it without spending their tries. Runs until SIGTERM or SIGINT: it then
 * stops taking jobs and finishes the running ones (a second signal quits at once; BullMQ gives those jobs to
 * another worker once their lock expires), then waits at most 5 s for Redis before it drops its
 * connections (`startPairWorker`'s `close`), so a paused or lost Redis does not keep it from exiting.
 * A reader that closes its standard error stops it the same way, and it then exits 1.
 */
export function workerCommand() {
  return new Command("worker")
    .description(
      "Run the pairs of queued bench runs (mull bench --queue URL) and record them in each run's store. " +
        "E.g. mull worker --queue redis://127.0.0.1:6379 --store postgres://user:password@db:5432/runs --concurrency 4",
    )
    .requiredOption("--queue <url>", "the Redis server of the queue, redis://HOST:PORT")
    .option(
      "--store <url>",
      "the PostgreSQL store (postgres://user:password@host:5432/database) of the runs enqueued with " +
        "that --store: jobs carry its URL without the password, the worker connects with this one",
    )
    .option("--queue-name <name>", `BullMQ queue (default ${defaultQueueName})`)
    .option("--concurrency <count>", "pairs this worker runs at once", integerOption(1, 1024), 1)
    .option(
      "--lock-duration <ms>",
      "how long a job's lock lasts unrenewed: a killed worker's jobs go back after this (default 30000)",
      integerOption(100, 3_600_000),
    )
    .option(
      "--stalled-interval <ms>",
      "how often to look for jobs of dead workers (default 30000)",
      integerOption(100, 3_600_000),
    )
    .option(
      "--max-stalled <count>",
      "times a job may be taken back from dead workers before it fails (default 5)",
      integerOption(1, 1000),
    )
    .action(async (flags) => {
      // Checked first; the store and the queue are shown redacted only.
      refuseEmptyStore(flags.store, "--store");
      if (flags.store !== undefined) parseRunLocation("worker", flags.store);
      // startPairWorker's own check, made before Redis is reached, naming the flag.
      checkQueueName(flags.queueName, "--queue-name");
      // A store it cannot log in to or reach would fail every job it takes: said at once, naming --store
      // (a refused login or a missing database exits 2, a server that cannot be reached 1).
      if (flags.store !== undefined) await checkStoreReachable(flags.store, "--store");
      // Refused at once, in one line, rather than BullMQ retrying for ever: a URL that is not Redis's or a
      // login Redis refuses exits 2 (ConfigError), an unreachable server 1. Once running, it reconnects.
      // BullMQ and its Redis client load here, not with every other command.
      const { checkQueueReachable, queueConnection, startPairWorker } = await import(
        "../../bench/queue/index.ts"
      );
      queueConnection(flags.queue);
      await checkQueueReachable(flags.queue);
      const worker = startPairWorker({
        url: flags.queue,
        queueName: flags.queueName,
        concurrency: flags.concurrency,
        lockDurationMilliseconds: flags.lockDuration,
        stalledIntervalMilliseconds: flags.stalledInterval,
        maxStalledCount: flags.maxStalled,
        storeUrl: flags.store,
        build: async (recipe, location) =>
          benchOptionsFromRecipe(
            recipe as unknown as BenchRecipe,
            location.kind === "sqlite"
              ? { out: resolve(location.directory) }
              : { out: location.name, store: location.url },
          ),
        onError: (message) => process.stderr.write(`worker: ${message}\n`),
      });
      // Closed once, by the first signal or a closed pipe; `stopped` resolves when the running jobs are done.
      let closing = false;
      let resolveStopped: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => {
        resolveStopped = resolve;
      });
      const close = () => {
        if (closing) return;
        closing = true;
        worker.close().then(resolveStopped, (error: unknown) => {
          process.stderr.write(`worker: closing failed: ${(error as Error).message}\n`);
          resolveStopped();
        });
      };
      // Its status lines go to standard error: a reader that closes it stops the worker as a signal does,
      // and the worker then fails rather than ending the process with 0 while it has jobs running.
      const pipe = failOnClosedPipe("worker", close);
      try {
        await worker.worker.waitUntilReady();
        process.stderr.write(
          `worker: taking jobs from ${flags.queueName ?? defaultQueueName} on ${redactUrl(flags.queue)} ` +
            `(concurrency ${flags.concurrency}, pid ${process.pid}` +
            (flags.store === undefined ? "" : `, store ${redactUrl(flags.store)}`) +
            ")\n",
        );
        let signals = 0;
        const stop = (signal: NodeJS.Signals) => {
          signals += 1;
          if (signals > 1) process.exit(130);
          process.stderr.write(`worker: ${signal}: finishing the running jobs (again to quit now)\n`);
          close();
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
        await stopped;
      } catch (error) {
        throw pipe.failure ?? error;
      } finally {
        pipe.release();
      }
      if (pipe.failure !== undefined) throw pipe.failure;
      process.stderr.write("worker: stopped\n");
    });
}
