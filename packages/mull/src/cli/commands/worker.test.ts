import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUnderTest, redisUnderTest } from "../../runtime/test-services.test-support.ts";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { waitFor } from "./mull-process.test-support.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";
import {
  killWorkersMidCall,
  sumQuestionPattern,
  sumReply,
  sumsBenchArguments,
  upstreamGate,
  workerQueue,
  writeSumsDataset,
} from "./worker-queue.test-support.ts";

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);
const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

const problemCount = 40;

/** A question the upstream refuses with a 400, while set. */
let refusedQuestion: string | undefined;

/** The sums reply, but a 400 for the refused question. */
function reply(request: FakeOpenAIRequest): FakeReply {
  if (refusedQuestion !== undefined && request.prompt.includes(refusedQuestion)) {
    return { status: 400, message: "this problem is refused" };
  }
  return sumReply(request);
}

/** Holds the upstream's replies while a test needs workers mid-job. */
const gate = upstreamGate(reply);

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
  /** The accuracy the fake upstream gives on the dataset, as the summary prints it. */
  let accuracy: string;

  const benchArgs = (out: string) => sumsBenchArguments(dataset, server.url, out);
  const testQueue = workerQueue(url);
  const workers = testQueue.workers;
  const startWorker = (concurrency: number) => testQueue.start(concurrency);
  const pairCalls = () => server.requests.filter((request) => sumQuestionPattern.test(request.prompt)).length;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), "mull-worker-"));
    server = await startFakeOpenAIServer({ handler: gate.handler });
    dataset = join(workspace, "sums.jsonl");
    const rows = writeSumsDataset(dataset, problemCount, 9);
    const right = rows.filter((row) => Number(/What is (\d+)/.exec(row)![1]) % 3 !== 0).length;
    accuracy = `${((right / problemCount) * 100).toFixed(1)}%`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("runs a queued run with two workers to the single-process run's results and summary, showing its progress", async () => {
    const single = await testQueue.run(benchArgs(join(workspace, "single")));
    expect(single.code).toBe(0);
    startWorker(1);
    startWorker(2);
    // Nothing is recorded before the wait begins, so that it announces every pair with its correctness.
    gate.shut();
    const waiting = testQueue.spawn([
      ...benchArgs(join(workspace, "queued")),
      "--queue",
      url,
      "--queue-name",
      testQueue.name,
      "--wait",
    ]);
    try {
      await waitFor(
        () => /bench: (\d+ pairs to run|resuming)/.test(waiting.output.stderr),
        "the wait's start",
      );
    } finally {
      gate.open();
    }
    const queued = { code: await waiting.exited, ...waiting.output };
    expect(queued.stderr).toContain(`${problemCount} jobs added, 0 already queued`);
    expect(queued.code).toBe(0);
    // Plain progress lines (standard error is not a TTY): the start, counts that only grow, and a last
    // line whose accuracy is the summary's.
    const lines = queued.stderr
      .split("\n")
      .filter((line) => line.startsWith("bench: ") && !line.startsWith("bench: run "));
    expect(lines[0]).toBe(`bench: ${problemCount} pairs to run`);
    const counts = lines.slice(1).map((line) => {
      const match =
        /^bench: (\d+)\/(\d+) pairs \([\d.]+%\), [\d.]+ pairs\/s, ETA \S+, accuracy so far \S+$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(Number(match![2])).toBe(problemCount);
      return Number(match![1]);
    });
    expect(counts.length).toBeGreaterThan(0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^bench: ${problemCount}/${problemCount} pairs \\(100\\.0%\\), .*, ETA 0s, accuracy so far ${accuracy.replace(".", "\\.")}$`,
      ),
    );
    const withoutRun = (text: string) => text.replace(/\(run [^)]+\)/, "(run …)");
    expect(withoutRun(queued.stdout)).toBe(withoutRun(single.stdout));
    expect(queued.stdout).toMatch(
      new RegExp(`greedy\\s+${accuracy.replace(".", "\\.")}\\s+${problemCount}\\s`),
    );
    expect(dump(join(workspace, "queued"))).toEqual(dump(join(workspace, "single")));
    // The run directory is not locked while workers write, and a resume enqueues nothing.
    expect(existsSync(join(workspace, "queued", "run.lock"))).toBe(false);
    const again = await testQueue.run([
      ...benchArgs(join(workspace, "queued")),
      "--queue",
      url,
      "--queue-name",
      testQueue.name,
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
    const queued = [...benchArgs(out), "--queue", url, "--queue-name", testQueue.name, "--wait"];
    try {
      const failed = await testQueue.run(queued);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        `1 of ${problemCount} pairs failed after their attempts (${problemCount - 1} recorded`,
      );
      // The pair is named once, by its own failure.
      expect(failed.stderr).toMatch(/\n {2}problem sum-5, strategy greedy failed: .*this problem is refused/);
      expect(failed.stderr).not.toContain("strategy greedy: problem sum-5");
      // Worded for a queued run: the user enqueues again rather than resuming a process.
      expect(failed.stderr).toContain("enqueue again with the same flags and --resume to retry it");
      expect(failed.stderr).not.toContain("continue with --resume");
    } finally {
      refusedQuestion = undefined;
    }
    const resumed = await testQueue.run([...queued, "--resume"]);
    expect(resumed.stderr).toContain("0 jobs added, 0 already queued, 1 failed ones retried");
    expect(resumed.code).toBe(0);
    expect(count(out, "SELECT count(*) AS n FROM results")).toBe(problemCount);
  });

  // Spawns a reference bench and three workers that each load the lab model: minutes on a loaded machine.
  it("loses and duplicates nothing when workers are killed (-9) mid-call, and re-runs only their jobs", async () => {
    const reference = await testQueue.run(benchArgs(join(workspace, "reference")));
    expect(reference.code).toBe(0);
    const out = join(workspace, "killed");
    const concurrency = 2;
    const workerCount = 3;
    for (let index = 0; index < workerCount; index += 1) startWorker(concurrency);
    await waitFor(() => workers.every((worker) => worker.output.stderr.includes("taking jobs")), "workers");
    const callsBefore = pairCalls();
    const abortedBefore = server.generations.abortedByClient;
    const enqueued = await testQueue.run([...benchArgs(out), "--queue", url, "--queue-name", testQueue.name]);
    expect(enqueued.code).toBe(0);
    const rows = () => count(out, "SELECT count(*) AS n FROM results");
    const kills = await killWorkersMidCall({
      workers,
      startWorker,
      concurrency,
      workerCount,
      gate,
      rows,
      aborted: () => server.generations.abortedByClient - abortedBefore,
      thresholds: [6, 12, 18],
    });
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
    // Each kill cut `concurrency` calls short, and each of their pairs was called again by another worker.
    expect(server.generations.abortedByClient - abortedBefore).toBe(concurrency * kills);
    const calls = pairCalls() - callsBefore;
    expect(calls).toBeGreaterThan(problemCount);
    expect(calls).toBeGreaterThanOrEqual(problemCount + concurrency * kills);
    expect(calls).toBeLessThanOrEqual(problemCount + concurrency * kills);
    expect(dump(out)).toEqual(dump(join(workspace, "reference")));
    console.log(
      `worker kill test: ${problemCount} pairs, ${kills} kills, ${calls} upstream calls (bound ${problemCount + concurrency * kills})`,
    );
  }, 180_000);
});

describe("mull worker: refusals before the queue opens", () => {
  // Never reached: each refusal comes before the worker connects.
  const queue = ["--queue", "redis://127.0.0.1:1"];

  it("refuses a queue name BullMQ refuses, naming --queue-name (exit 2)", async () => {
    for (const name of ["", "runs:gsm8k"]) {
      const refused = await runCliCaptured("worker", ...queue, "--queue-name", name);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `mull: --queue-name ${JSON.stringify(name)}: expected a BullMQ queue name: not empty, without ':' ` +
          "(BullMQ joins its Redis keys with it), e.g. mull-bench\n",
      );
    }
  });

  it("refuses an empty --store, which would leave the worker without the store it was given (exit 2)", async () => {
    const refused = await runCliCaptured("worker", ...queue, "--store", "");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'mull: --store "": expected a PostgreSQL URL such as postgres://user:password@host:5432/database ' +
        "(leave --store out for a run directory)\n",
    );
  });
  it("refuses at once, in one line naming --store, a store it cannot reach (exit 1), before Redis", async () => {
    const refused = await runCliCaptured(
      "worker",
      ...queue,
      "--store",
      "postgres://mull:SECRETPW@127.0.0.1:9/runs",
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "mull: --store: cannot connect to postgres://mull:***@127.0.0.1:9/runs: connect ECONNREFUSED 127.0.0.1:9\n",
    );
  });

  it.skipIf(postgres.url === undefined)(
    "refuses at once a store login PostgreSQL refuses or a database it lacks, naming --store (exit 2)",
    async () => {
      const login = new URL(postgres.url!);
      login.password = "SECRETPW-wrong";
      const refused = await runCliCaptured("worker", ...queue, "--store", login.toString());
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^mull: --store: cannot connect to postgres:\/\/[^:]+:\*\*\*@[^ ]+: password authentication failed for user "[^"]+"\n$/,
      );
      expect(refused.stderr).not.toContain("SECRETPW-wrong");
      const absent = new URL(postgres.url!);
      absent.pathname = "/no_such_database_9c41";
      const missing = await runCliCaptured("worker", ...queue, "--store", absent.toString());
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(
        /^mull: --store: cannot connect to postgres:\/\/[^ ]+: database "no_such_database_9c41" does not exist\n$/,
      );
    },
  );

  it("refuses at once, in one line, a Redis that refuses the connection (exit 1) or a URL that is not Redis's (exit 2)", async () => {
    const closed = await runCliCaptured("worker", "--queue", "redis://:SECRETPW@127.0.0.1:1");
    expect(closed.code).toBe(1);
    expect(closed.stderr).toBe(
      "mull: --queue: cannot connect to redis://:***@127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n",
    );
    const scheme = await runCliCaptured("worker", "--queue", "http://127.0.0.1:6379");
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/^mull: --queue: expected a redis:\/\/ or rediss:\/\/ URL/);
  });

  it("refuses a --queue that does not parse without showing it, its password included (exit 2)", async () => {
    // Port 99999 is out of range: no URL, though the password is plain to see.
    const refused = await runCliCaptured("worker", "--queue", "redis://:s3cr3t@127.0.0.1:99999");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "mull: --queue: expected a Redis URL such as redis://127.0.0.1:6379, got <unparsable URL>\n",
    );
  });

  it("refuses a database that is not a whole number, before connecting (exit 2)", async () => {
    // Redis clients read "/abc" as database 0; nothing listens on port 1, so this is said first.
    const refused = await runCliCaptured("worker", "--queue", "redis://:SECRETPW@127.0.0.1:1/abc");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'mull: --queue: redis://:***@127.0.0.1:1/abc: expected a database number as the URL\'s path, e.g. /0, got "/abc"\n',
    );
  });

  it.skipIf(redis.url === undefined)(
    "refuses at once a database Redis cannot select rather than taking jobs from database 0 (exit 2)",
    async () => {
      const url = new URL(redis.url!);
      url.pathname = "/99";
      const refused = await runCliCaptured(
        "worker",
        "--queue",
        url.toString(),
        "--queue-name",
        "mull-test-db99",
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^mull: --queue: cannot select the database of redis:\/\/[^ ]+\/99: ERR DB index is out of range \(expected a database number below the server's database count[^\n]*\)\n$/,
      );
    },
  );

  it.skipIf(redis.url === undefined)(
    "refuses at once a login Redis refuses, naming --queue (exit 2)",
    async () => {
      const url = new URL(redis.url!);
      url.username = "mull-no-such-user";
      url.password = "SECRETPW";
      const refused = await runCliCaptured("worker", "--queue", url.toString());
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^mull: --queue: cannot connect to redis:\/\/mull-no-such-user:\*\*\*@[^ ]+: WRONGPASS [^\n]*\n$/,
      );
      expect(refused.stderr).not.toContain("SECRETPW");
    },
  );
});
