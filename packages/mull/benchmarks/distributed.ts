/**
 * Distributed bench runs: `mull bench --queue` with 1, 2 and 4 `mull worker` processes against a fake
 * OpenAI upstream that answers each call in 200 ± 50 ms (seeded), on one Redis and one run store: SQLite
 * run directories (the default, one machine) or, with `--store postgres://…` (or $MULL_BENCH_STORE), named
 * runs in a fresh schema of that PostgreSQL database, dropped at the end (what several machines use).
 *
 * 1. Reference: the same configuration in one process (`mull bench` without a queue).
 * 2. Scaling: for 1, 2 and 4 workers (separate processes, concurrency 1 each, started and ready first),
 *    the run is enqueued and timed until every pair is recorded: wall time from the enqueue command's
 *    start, and the processing span (first upstream call to last row); speed-up vs 1 worker.
 * Upstream calls count the calls for problems only, not each process's one capability probe.
 * 3. Kills: 4 workers (concurrency 2) while `--kills` random workers are killed with SIGKILL, each
 *    restarted at once; rows lost and duplicated, upstream calls vs pairs + concurrency × kills.
 * Every queued run's results are compared with the reference run's (latencies aside); the reference is
 * always a run directory, so a PostgreSQL run is compared across backends.
 * Targets, checked at the end (a miss is printed and the exit status is 1): 4 workers at least 3.5x faster
 * than 1 (processing time: wall time adds the same few seconds of process start-up to every row); every
 * queued run complete and identical to the reference; after the kills 0 rows lost, 0 duplicated, no stray
 * samples, and upstream calls ≤ pairs + concurrency × kills.
 *
 *   MULL_TEST_REDIS_URL=redis://127.0.0.1:6379 npm run bench:distributed [-- --problems 80 --kills 10 --json]
 *   npm run bench:distributed -- --store postgres://mull:mull@127.0.0.1:5432/mull --problems 200
 *
 * Needs a Redis (`--redis`, default $MULL_TEST_REDIS_URL or redis://127.0.0.1:6379); each run uses its own
 * queue, obliterated afterwards. `--help` lists the options. A bad flag (an unknown one, `--kills abc`), a
 * Redis that does not answer within 5 s or a database that cannot be reached is one line naming the flag,
 * exit code 2, before any process starts or any file is written.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import { checkQueueReachable } from "../src/bench/queue/check-queue-reachable.ts";
import { redactUrl } from "../src/bench/store/index.ts";
import { ConfigError, MullError } from "../src/errors/index.ts";
import { seededRng, sleep } from "../src/runtime/index.ts";
import {
  type FakeOpenAIRequest,
  type FakeReply,
  startFakeOpenAIServer,
} from "../src/testing/fake-openai-server.ts";
import { type DistributedOptions, distributedUsage, parseDistributedOptions } from "./distributed-options.ts";
import { type DistributedStore, dumpRun, postgresStore, sqliteStore } from "./distributed-store.ts";

const owner = "bench:distributed";

/** How long the Redis of `--redis` has to answer before the benchmark gives up on it. */
const redisReachMilliseconds = 5_000;

/**
 * The checked options and the PostgreSQL store when `--store` names one, both reached before anything is
 * started or written; or the exit code: 0 after `--help`, 2 after one line naming the flag at fault (a
 * bad value, a Redis or a database that cannot be reached).
 */
async function prepare(
  argv: readonly string[],
): Promise<{ options: DistributedOptions; postgres: DistributedStore | undefined } | number> {
  try {
    const options = parseDistributedOptions(argv);
    if (options === undefined) {
      process.stdout.write(distributedUsage);
      return 0;
    }
    try {
      await checkQueueReachable(options.redis, {
        field: "--redis",
        timeoutMilliseconds: redisReachMilliseconds,
      });
    } catch (error) {
      if (!MullError.isInstance(error)) throw error;
      throw new ConfigError(error.message, { field: "--redis", cause: error });
    }
    const postgres = options.store === undefined ? undefined : await postgresStore(options.store);
    return { options, postgres };
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const message = error.message.startsWith(`${owner}: `) ? error.message : `${owner}: ${error.message}`;
    process.stderr.write(`${message}\n`);
    return 2;
  }
}

const prepared = await prepare(process.argv.slice(2));
if (typeof prepared === "number") process.exit(prepared);
const { options: values, postgres } = prepared;
const { problems, killProblems, kills } = values;
const redisUrl = values.redis;
const mullBin = resolve(import.meta.dirname, "../../cli/bin/mull.js");

// --- The fake upstream: a deterministic answer per prompt, 200 ± 50 ms per call from a seeded rng. ---
const latencyRng = seededRng(11);
const questionPattern = /What is (\d+) plus (\d+)\?/;
function reply(request: FakeOpenAIRequest): FakeReply {
  const match = questionPattern.exec(request.prompt);
  const choices = Array.from({ length: request.n }, () => {
    if (match === null) return "ok";
    const [, a, b] = match;
    const truth = Number(a) + Number(b);
    // Wrong on every third first operand, so accuracy is neither 0 nor 1.
    return `We add ${a} and ${b}.\n#### ${Number(a) % 3 === 0 ? truth + 1 : truth}`;
  });
  return { choices, delivery: { headerDelayMilliseconds: 150 + latencyRng.next() * 100 } };
}
const server = await startFakeOpenAIServer({ handler: reply }).catch(async (error: unknown) => {
  await postgres?.close();
  throw error;
});
// Created only now that the services answered, and removed at the end whatever happens.
const workspace = mkdtempSync(join(tmpdir(), "mull-distributed-"));
const store: DistributedStore = postgres ?? sqliteStore(workspace);
/** Calls for problems; each process's backend also probes the server's capabilities once. */
const pairCalls = () => server.requests.filter((request) => questionPattern.test(request.prompt));

function writeDataset(count: number, file: string): void {
  const rng = seededRng(5);
  const rows = Array.from({ length: count }, (_, index) => {
    const a = Math.floor(rng.next() * 500);
    const b = Math.floor(rng.next() * 500);
    return JSON.stringify({ id: `sum-${index}`, question: `What is ${a} plus ${b}?`, answer: String(a + b) });
  });
  writeFileSync(file, `${rows.join("\n")}\n`);
}

/** `--out` (and `--store`) come from `outFlags`: a run directory, or a run name in the store. */
function benchArgs(dataset: string, outFlags: readonly string[]): string[] {
  return [
    "--dataset",
    dataset,
    "--strategies",
    "greedy",
    "--base-url",
    server.url,
    "--model",
    "fake-model",
    "--max-tokens",
    "64",
    "--seed",
    "3",
    ...outFlags,
  ];
}

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr: string;
}

function startMull(args: readonly string[]): Child {
  const child = spawn(process.execPath, [mullBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const started: Child = {
    process: child,
    exited: new Promise((resolveExit) => child.on("exit", (code) => resolveExit(code))),
    stderr: "",
  };
  child.stdout!.resume();
  child.stderr!.on("data", (chunk: Buffer) => {
    (started as { stderr: string }).stderr += chunk.toString();
  });
  return started;
}

async function runMull(args: readonly string[]): Promise<void> {
  const child = startMull(args);
  const code = await child.exited;
  if (code !== 0) {
    // The store's and the queue's URLs may hold passwords.
    const shown = args.map((arg) => (/^[a-z]+:\/\/[^/\s]*@/i.test(arg) ? redactUrl(arg) : arg));
    throw new Error(`mull ${shown.join(" ")} exited ${code}:\n${child.stderr}`);
  }
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMilliseconds = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function startWorker(queueName: string, concurrency: number): Child {
  return startMull([
    "worker",
    "--queue",
    redisUrl,
    "--queue-name",
    queueName,
    "--concurrency",
    String(concurrency),
    "--lock-duration",
    "2000",
    "--stalled-interval",
    "1000",
    "--max-stalled",
    "20",
    ...store.workerArgs,
  ]);
}

async function startWorkers(queueName: string, count: number, concurrency: number): Promise<Child[]> {
  const workers = Array.from({ length: count }, () => startWorker(queueName, concurrency));
  await waitFor(
    () => workers.every((worker) => worker.stderr.includes("taking jobs")),
    "workers ready",
    60_000,
  );
  return workers;
}

async function stopWorkers(workers: readonly Child[]): Promise<void> {
  for (const worker of workers) worker.process.kill("SIGTERM");
  await Promise.all(workers.map((worker) => worker.exited));
}

async function withQueue<T>(work: (queueName: string) => Promise<T>): Promise<T> {
  const queueName = `mull-distributed-${randomBytes(4).toString("hex")}`;
  try {
    return await work(queueName);
  } finally {
    const queue = new Queue(queueName, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** The least speed-up of 4 workers over 1, on processing time. */
const speedUpTarget = 3.5;

/** What a finished benchmark missed of its targets, one sentence each. */
function missedTargets(
  scaling: readonly Record<string, unknown>[],
  kill: Readonly<Record<string, unknown>>,
): string[] {
  const missed: string[] = [];
  for (const row of scaling) {
    if (row.rows !== problems) missed.push(`${row.workers} workers: ${row.rows} rows, expected ${problems}`);
    if (row.identical !== true) missed.push(`${row.workers} workers: results differ from the reference run`);
  }
  const four = scaling.find((row) => row.workers === 4);
  const speedUp = four?.speedUpProcessing as number | undefined;
  if (speedUp === undefined || !(speedUp >= speedUpTarget)) {
    missed.push(
      `4 workers: ${speedUp?.toFixed(2) ?? "no"}x faster than 1 (processing time), expected at least ${speedUpTarget}x`,
    );
  }
  if (kill.kills === 0) {
    missed.push(
      `kills: no worker was killed before the ${kill.pairs} pairs were done (asked for ${kills}), so the kill checks prove nothing; raise --kill-problems`,
    );
  }
  if (kill.rowsLost !== 0) missed.push(`kills: ${kill.rowsLost} rows lost, expected 0`);
  if (kill.duplicatedResults !== 0)
    missed.push(`kills: ${kill.duplicatedResults} results duplicated, expected 0`);
  if (kill.samplesWithoutResult !== 0 || kill.extraSamples !== 0) {
    missed.push(
      `kills: ${kill.samplesWithoutResult} samples without a result and ${kill.extraSamples} extra samples, expected 0`,
    );
  }
  if (kill.withinBound !== true) {
    missed.push(
      `kills: ${kill.upstreamCalls} upstream calls, expected at most ${kill.callBound} (pairs + concurrency × kills)`,
    );
  }
  if (kill.identical !== true) missed.push("kills: results differ from the reference run");
  return missed;
}

const results: Record<string, unknown> = {
  problems,
  killProblems,
  kills,
  redis: redactUrl(redisUrl),
  store: store.label,
};
/** A reference run directory, read as the queued runs are. */
const referenceOf = (name: string) => ["--out", join(workspace, name)];
try {
  const dataset = join(workspace, "sums.jsonl");
  writeDataset(problems, dataset);
  const killDataset = join(workspace, "sums-kill.jsonl");
  writeDataset(killProblems, killDataset);

  // 1. The reference: one process, no queue.
  const referenceStarted = performance.now();
  await runMull(["bench", ...benchArgs(dataset, referenceOf("reference")), "--concurrency", "4"]);
  const reference = await dumpRun({ kind: "sqlite", directory: join(workspace, "reference") });
  await runMull(["bench", ...benchArgs(killDataset, referenceOf("reference-kill")), "--concurrency", "4"]);
  const referenceKill = await dumpRun({ kind: "sqlite", directory: join(workspace, "reference-kill") });
  results.referenceSeconds = (performance.now() - referenceStarted) / 1000;

  // 2. Scaling with 1, 2 and 4 workers.
  const scaling: Record<string, unknown>[] = [];
  for (const workerCount of [1, 2, 4]) {
    const row = await withQueue(async (queueName) => {
      const out = `queued-${workerCount}`;
      const workers = await startWorkers(queueName, workerCount, 1);
      try {
        const callsBefore = pairCalls().length;
        const started = performance.now();
        await runMull([
          "bench",
          ...benchArgs(dataset, store.benchArgs(out)),
          "--queue",
          redisUrl,
          "--queue-name",
          queueName,
        ]);
        await waitFor(async () => (await store.count(out, "results")) === problems, "every row");
        const finished = performance.now();
        const calls = pairCalls().slice(callsBefore);
        const firstCall = Math.min(...calls.map((call) => call.receivedAt));
        return {
          workers: workerCount,
          wallSeconds: (finished - started) / 1000,
          processingSeconds: (finished - firstCall) / 1000,
          rows: await store.count(out, "results"),
          upstreamCalls: calls.length,
          identical: (await store.dump(out)) === reference,
        };
      } finally {
        await stopWorkers(workers);
      }
    });
    scaling.push(row);
    process.stderr.write(`distributed: ${JSON.stringify(row)}\n`);
  }
  const one = scaling[0]!;
  for (const row of scaling) {
    row.speedUpWall = (one.wallSeconds as number) / (row.wallSeconds as number);
    row.speedUpProcessing = (one.processingSeconds as number) / (row.processingSeconds as number);
  }
  results.scaling = scaling;

  // 3. Kills: 4 workers of concurrency 2; a random one is killed (-9) and restarted until `kills` kills.
  const concurrency = 2;
  results.kill = await withQueue(async (queueName) => {
    const out = "queued-kill";
    const workers = await startWorkers(queueName, 4, concurrency);
    const rng = seededRng(23);
    let killed = 0;
    try {
      const callsBefore = pairCalls().length;
      const started = performance.now();
      await runMull([
        "bench",
        ...benchArgs(killDataset, store.benchArgs(out)),
        "--queue",
        redisUrl,
        "--queue-name",
        queueName,
      ]);
      const rows = () => store.count(out, "results");
      while (killed < kills && (await rows()) < killProblems) {
        await sleep(300 + rng.next() * 300);
        const index = Math.floor(rng.next() * workers.length);
        workers[index]!.process.kill("SIGKILL");
        await workers[index]!.exited;
        killed += 1;
        workers[index] = startWorker(queueName, concurrency);
      }
      await waitFor(async () => (await rows()) === killProblems, "every row after the kills");
      const stored = await rows();
      const calls = pairCalls().length - callsBefore;
      return {
        pairs: killProblems,
        workers: 4,
        concurrency,
        kills: killed,
        wallSeconds: (performance.now() - started) / 1000,
        rows: stored,
        rowsLost: killProblems - stored,
        duplicatedResults: await store.count(out, "duplicatedResults"),
        samplesWithoutResult: await store.count(out, "samplesWithoutResult"),
        extraSamples: (await store.count(out, "samples")) - stored,
        upstreamCalls: calls,
        callBound: killProblems + concurrency * killed,
        withinBound: calls <= killProblems + concurrency * killed,
        identical: (await store.dump(out)) === referenceKill,
      };
    } finally {
      await stopWorkers(workers);
    }
  });

  const missed = missedTargets(scaling, results.kill as Record<string, unknown>);
  results.missedTargets = missed;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const lines = [
      `distributed bench: ${problems} problems × greedy, fake upstream 200 ± 50 ms per call, Redis ${redactUrl(redisUrl)}, ${store.label}`,
      `reference (one process, concurrency 4, plus the kill run's reference): ${(results.referenceSeconds as number).toFixed(1)} s`,
      "workers  wall s  processing s  rows  calls  speed-up (wall)  speed-up (processing)  identical",
      ...scaling.map(
        (row) =>
          `${String(row.workers).padStart(7)}  ${(row.wallSeconds as number).toFixed(2).padStart(6)}  ` +
          `${(row.processingSeconds as number).toFixed(2).padStart(12)}  ${String(row.rows).padStart(4)}  ` +
          `${String(row.upstreamCalls).padStart(5)}  ${(row.speedUpWall as number).toFixed(2).padStart(15)}x  ` +
          `${(row.speedUpProcessing as number).toFixed(2).padStart(20)}x  ${row.identical}`,
      ),
      `kills: ${JSON.stringify(results.kill)}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  for (const miss of missed) process.stderr.write(`distributed: target missed: ${miss}\n`);
  if (missed.length > 0) process.exitCode = 1;
  else process.stderr.write("distributed: every target met\n");
} finally {
  await server.close();
  await store.close();
  rmSync(workspace, { recursive: true, force: true });
}
