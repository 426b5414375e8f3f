import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { type MullProcess, runMull, startMull, waitFor } from "./mull-process.test-support.ts";

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const questionPattern = /What is (\d+) plus (\d+)\?/;
const problemCount = 40;

/** A question the upstream refuses with a 400, while set. */
let refusedQuestion: string | undefined;

/** Right unless the first operand is a multiple of 3: a function of the prompt only. */
function reply(request: FakeOpenAIRequest): FakeReply {
  if (refusedQuestion !== undefined && request.prompt.includes(refusedQuestion)) {
    return { status: 400, message: "this problem is refused" };
  }
  const match = questionPattern.exec(request.prompt);
  const choices = Array.from({ length: request.n }, () => {
    if (match === null) return "ok";
    const truth = Number(match[1]) + Number(match[2]);
    return `We add them.\n#### ${Number(match[1]) % 3 === 0 ? truth + 1 : truth}`;
  });
  return { choices, delivery: { headerDelayMilliseconds: 60 } };
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

/** The stored results and samples, without run ids and latencies. */
function dump(directory: string): unknown {
  const database = new DatabaseSync(join(directory, "bench.sqlite"), { readOnly: true });
  try {
    return {
      results: database
        .prepare(
          `SELECT problem_id, strategy, seed, answer, correct, samples, prompt_tokens, completion_tokens, calls,
             stopped_by FROM results ORDER BY problem_id, strategy`,
        )
        .all(),
      samples: database
        .prepare(
          `SELECT problem_id, strategy, sample_index, seed, text, answer, correct FROM samples
             ORDER BY problem_id, strategy, sample_index`,
        )
        .all(),
    };
  } finally {
    database.close();
  }
}

describe.skipIf(redis.url === undefined)("mull worker", () => {
  const url = redis.url!;
  let workspace: string;
  let server: FakeOpenAIServer;
  let dataset: string;
  let queueName: string;
  /** The accuracy the fake upstream gives on the dataset, as the summary prints it. */
  let accuracy: string;
  const workers: MullProcess[] = [];

  const benchArgs = (out: string) => [
    "bench",
    "--dataset",
    dataset,
    "--strategies",
    "greedy",
    "--base-url",
    server.url,
    "--max-tokens",
    "32",
    "--seed",
    "4",
    "--out",
    out,
  ];
  const startWorker = (concurrency: number) => {
    const worker = startMull([
      "worker",
      "--queue",
      url,
      "--queue-name",
      queueName,
      "--concurrency",
      String(concurrency),
      "--lock-duration",
      "3000",
      "--stalled-interval",
      "1000",
    ]);
    workers.push(worker);
    return worker;
  };
  const pairCalls = () => server.requests.filter((request) => questionPattern.test(request.prompt)).length;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), "mull-worker-"));
    server = await startFakeOpenAIServer({ handler: reply });
    dataset = join(workspace, "sums.jsonl");
    const rng = seededRng(9);
    const rows = Array.from({ length: problemCount }, (_, index) => {
      const a = Math.floor(rng.next() * 500);
      const b = Math.floor(rng.next() * 500);
      return JSON.stringify({
        id: `sum-${index}`,
        question: `What is ${a} plus ${b}?`,
        answer: String(a + b),
      });
    });
    writeFileSync(dataset, `${rows.join("\n")}\n`);
    const right = rows.filter((row) => Number(/What is (\d+)/.exec(row)![1]) % 3 !== 0).length;
    accuracy = `${((right / problemCount) * 100).toFixed(1)}%`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(workspace, { recursive: true, force: true });
  });
  beforeEach(() => {
    queueName = `mull-test-${randomBytes(6).toString("hex")}`;
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill("SIGKILL");
      await worker.exited;
    }
    const queue = new Queue(queueName, { connection: { url, maxRetriesPerRequest: null } });
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("runs a queued run with two workers to the single-process run's results and summary", async () => {
    const single = await runMull(benchArgs(join(workspace, "single")));
    expect(single.code).toBe(0);
    startWorker(1);
    startWorker(2);
    const queued = await runMull([
      ...benchArgs(join(workspace, "queued")),
      "--queue",
      url,
      "--queue-name",
      queueName,
      "--wait",
    ]);
    expect(queued.stderr).toContain(`${problemCount} jobs added, 0 already queued`);
    expect(queued.code).toBe(0);
    const withoutRun = (text: string) => text.replace(/\(run [^)]+\)/, "(run …)");
    expect(withoutRun(queued.stdout)).toBe(withoutRun(single.stdout));
    expect(queued.stdout).toMatch(
      new RegExp(`greedy\\s+${accuracy.replace(".", "\\.")}\\s+${problemCount}\\s`),
    );
    expect(dump(join(workspace, "queued"))).toEqual(dump(join(workspace, "single")));
    // The run directory is not locked while workers write, and a resume enqueues nothing.
    expect(existsSync(join(workspace, "queued", "run.lock"))).toBe(false);
    const again = await runMull([
      ...benchArgs(join(workspace, "queued")),
      "--queue",
      url,
      "--queue-name",
      queueName,
      "--resume",
    ]);
    expect(again.stderr).toContain(`${problemCount} already recorded; 0 jobs added`);
    // A stopped worker finishes what it runs and exits cleanly.
    const stopping = workers[0]!;
    stopping.child.kill("SIGTERM");
    expect(await stopping.exited).toBe(0);
    expect(stopping.output.stderr).toContain("worker: stopped");
  });

  it("reports a pair that failed its tries with its error instead of waiting, and retries it on --resume", async () => {
    const out = join(workspace, "failing");
    refusedQuestion = JSON.parse(readFileSync(dataset, "utf8").split("\n")[5]!).question as string;
    startWorker(2);
    const queued = [...benchArgs(out), "--queue", url, "--queue-name", queueName, "--wait"];
    try {
      const failed = await runMull(queued);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        `1 of ${problemCount} pairs failed after their attempts (${problemCount - 1} recorded`,
      );
      expect(failed.stderr).toMatch(/problem sum-5, strategy greedy: .*this problem is refused/);
      // Worded for a queued run: the user enqueues again rather than resuming a process.
      expect(failed.stderr).toContain("enqueue again with the same flags and --resume to retry it");
      expect(failed.stderr).not.toContain("continue with --resume");
    } finally {
      refusedQuestion = undefined;
    }
    const resumed = await runMull([...queued, "--resume"]);
    expect(resumed.stderr).toContain("0 jobs added, 0 already queued, 1 failed ones retried");
    expect(resumed.code).toBe(0);
    expect(count(out, "SELECT count(*) AS n FROM results")).toBe(problemCount);
  });

  it("loses and duplicates nothing when workers are killed (-9) mid-run, and re-runs only their jobs", async () => {
    const reference = await runMull(benchArgs(join(workspace, "reference")));
    expect(reference.code).toBe(0);
    const out = join(workspace, "killed");
    const concurrency = 2;
    for (let index = 0; index < 3; index += 1) startWorker(concurrency);
    await waitFor(() => workers.every((worker) => worker.output.stderr.includes("taking jobs")), "workers");
    const callsBefore = pairCalls();
    const enqueued = await runMull([...benchArgs(out), "--queue", url, "--queue-name", queueName]);
    expect(enqueued.code).toBe(0);
    const rows = () => count(out, "SELECT count(*) AS n FROM results");
    let kills = 0;
    for (const threshold of [6, 14, 22]) {
      await waitFor(() => rows() >= threshold, `${threshold} rows`);
      const victim = workers.find((worker) => worker.child.exitCode === null)!;
      victim.child.kill("SIGKILL");
      await victim.exited;
      kills += 1;
      startWorker(concurrency);
    }
    await waitFor(() => rows() === problemCount, "every row after the kills");
    expect(kills).toBe(3);
    expect(rows()).toBe(problemCount);
    expect(
      count(
        out,
        "SELECT count(*) AS n FROM (SELECT 1 FROM results GROUP BY problem_id, strategy HAVING count(*) > 1)",
      ),
    ).toBe(0);
    expect(count(out, "SELECT count(*) AS n FROM samples")).toBe(problemCount);
    const calls = pairCalls() - callsBefore;
    expect(calls).toBeGreaterThanOrEqual(problemCount);
    expect(calls).toBeLessThanOrEqual(problemCount + concurrency * kills);
    expect(dump(out)).toEqual(dump(join(workspace, "reference")));
    console.log(
      `worker kill test: ${problemCount} pairs, ${kills} kills, ${calls} upstream calls (bound ${problemCount + concurrency * kills})`,
    );
  });
});
