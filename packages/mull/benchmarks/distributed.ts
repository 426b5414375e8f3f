/**
 * Distributed bench runs: `mull bench --queue` with 1, 2 and 4 `mull worker` processes against a fake
 * OpenAI upstream that answers each call in 200 ± 50 ms (seeded), on one Redis and one SQLite run store.
 *
 * 1. Reference: the same configuration in one process (`mull bench` without a queue).
 * 2. Scaling: for 1, 2 and 4 workers (separate processes, concurrency 1 each, started and ready first),
 *    the run is enqueued and timed until every pair is recorded: wall time from the enqueue command's
 *    start, and the processing span (first upstream call to last row); speed-up vs 1 worker.
 * Upstream calls count the calls for problems only, not each process's one capability probe.
 * 3. Kills: 4 workers (concurrency 2) while `--kills` random workers are killed with SIGKILL, each
 *    restarted at once; rows lost and duplicated, upstream calls vs pairs + concurrency × kills.
 * Every queued run's results are compared with the reference run's (latencies aside).
 *
 *   MULL_TEST_REDIS_URL=redis://127.0.0.1:6379 npm run bench:distributed [-- --problems 80 --kills 10 --json]
 *
 * Needs a Redis (`--redis`, default $MULL_TEST_REDIS_URL or redis://127.0.0.1:6379); each run uses its own
 * queue, obliterated afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { seededRng, sleep } from "../src/runtime/index.ts";
import {
  type FakeOpenAIRequest,
  type FakeReply,
  startFakeOpenAIServer,
} from "../src/testing/fake-openai-server.ts";

const { values } = parseArgs({
  options: {
    problems: { type: "string", default: "80" },
    "kill-problems": { type: "string", default: "160" },
    kills: { type: "string", default: "10" },
    redis: { type: "string", default: process.env.MULL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379" },
    json: { type: "boolean", default: false },
  },
});
const problems = Number(values.problems);
const killProblems = Number(values["kill-problems"]);
const kills = Number(values.kills);
const redisUrl = values.redis!;
const mullBin = resolve(import.meta.dirname, "../../cli/bin/mull.js");
const workspace = mkdtempSync(join(tmpdir(), "mull-distributed-"));

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
const server = await startFakeOpenAIServer({ handler: reply });
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

function benchArgs(dataset: string, out: string): string[] {
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
    "--out",
    out,
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
  if (code !== 0) throw new Error(`mull ${args.join(" ")} exited ${code}:\n${child.stderr}`);
}

async function waitFor(condition: () => boolean, what: string, timeoutMilliseconds = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition()) {
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

function count(directory: string, sql: string): number {
  const file = join(directory, "bench.sqlite");
  if (!existsSync(file)) return 0;
  const database = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
  try {
    return (database.prepare(sql).get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    database.close();
  }
}

/** The stored results and samples without run ids and latencies. */
function dump(directory: string): string {
  const database = new DatabaseSync(join(directory, "bench.sqlite"), { readOnly: true });
  try {
    return JSON.stringify([
      database
        .prepare(
          `SELECT problem_id, strategy, seed, answer, correct, samples, prompt_tokens, completion_tokens, calls,
             score_calls, stopped_by FROM results ORDER BY problem_id, strategy`,
        )
        .all(),
      database
        .prepare(
          `SELECT problem_id, strategy, sample_index, seed, text, answer, correct, completion_tokens, finish_reason
             FROM samples ORDER BY problem_id, strategy, sample_index`,
        )
        .all(),
    ]);
  } finally {
    database.close();
  }
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

const results: Record<string, unknown> = { problems, killProblems, kills, redis: redisUrl };
try {
  const dataset = join(workspace, "sums.jsonl");
  writeDataset(problems, dataset);
  const killDataset = join(workspace, "sums-kill.jsonl");
  writeDataset(killProblems, killDataset);

  // 1. The reference: one process, no queue.
  const referenceStarted = performance.now();
  await runMull(["bench", ...benchArgs(dataset, join(workspace, "reference")), "--concurrency", "4"]);
  const reference = dump(join(workspace, "reference"));
  await runMull([
    "bench",
    ...benchArgs(killDataset, join(workspace, "reference-kill")),
    "--concurrency",
    "4",
  ]);
  const referenceKill = dump(join(workspace, "reference-kill"));
  results.referenceSeconds = (performance.now() - referenceStarted) / 1000;

  // 2. Scaling with 1, 2 and 4 workers.
  const scaling: Record<string, unknown>[] = [];
  for (const workerCount of [1, 2, 4]) {
    const row = await withQueue(async (queueName) => {
      const out = join(workspace, `queued-${workerCount}`);
      const workers = await startWorkers(queueName, workerCount, 1);
      try {
        const callsBefore = pairCalls().length;
        const started = performance.now();
        await runMull(["bench", ...benchArgs(dataset, out), "--queue", redisUrl, "--queue-name", queueName]);
        await waitFor(() => count(out, "SELECT count(*) AS n FROM results") === problems, "every row");
        const finished = performance.now();
        const calls = pairCalls().slice(callsBefore);
        const firstCall = Math.min(...calls.map((call) => call.receivedAt));
        return {
          workers: workerCount,
          wallSeconds: (finished - started) / 1000,
          processingSeconds: (finished - firstCall) / 1000,
          rows: count(out, "SELECT count(*) AS n FROM results"),
          upstreamCalls: calls.length,
          identical: dump(out) === reference,
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
    const out = join(workspace, "queued-kill");
    const workers = await startWorkers(queueName, 4, concurrency);
    const rng = seededRng(23);
    let killed = 0;
    try {
      const callsBefore = pairCalls().length;
      const started = performance.now();
      await runMull([
        "bench",
        ...benchArgs(killDataset, out),
        "--queue",
        redisUrl,
        "--queue-name",
        queueName,
      ]);
      const rows = () => count(out, "SELECT count(*) AS n FROM results");
      while (killed < kills && rows() < killProblems) {
        await sleep(300 + rng.next() * 300);
        const index = Math.floor(rng.next() * workers.length);
        workers[index]!.process.kill("SIGKILL");
        await workers[index]!.exited;
        killed += 1;
        workers[index] = startWorker(queueName, concurrency);
      }
      await waitFor(() => rows() === killProblems, "every row after the kills");
      const calls = pairCalls().length - callsBefore;
      return {
        pairs: killProblems,
        workers: 4,
        concurrency,
        kills: killed,
        wallSeconds: (performance.now() - started) / 1000,
        rows: rows(),
        rowsLost: killProblems - rows(),
        duplicatedResults: count(
          out,
          "SELECT count(*) AS n FROM (SELECT 1 FROM results GROUP BY run_id, problem_id, strategy HAVING count(*) > 1)",
        ),
        samplesWithoutResult: count(
          out,
          "SELECT count(*) AS n FROM samples s LEFT JOIN results r USING (run_id, problem_id, strategy) WHERE r.problem_id IS NULL",
        ),
        extraSamples: count(out, "SELECT count(*) AS n FROM samples") - rows(),
        upstreamCalls: calls,
        callBound: killProblems + concurrency * killed,
        withinBound: calls <= killProblems + concurrency * killed,
        identical: dump(out) === referenceKill,
      };
    } finally {
      await stopWorkers(workers);
    }
  });

  if (values.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const lines = [
      `distributed bench: ${problems} problems × greedy, fake upstream 200 ± 50 ms per call, Redis ${redisUrl}`,
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
} finally {
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
}
