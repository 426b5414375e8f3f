import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairJobId } from "../../bench/queue/index.ts";
import type { RunData } from "../../bench/run-data.ts";
import { summarizeBench } from "../../bench/runner/index.ts";
import { openRunStore, parseRunLocation, type RunLocation, redactUrl } from "../../bench/store/index.ts";
import {
  freshPostgresLogin,
  freshPostgresSchema,
  type LoginUnderTest,
  type SchemaUnderTest,
} from "../../bench/store/postgres-schema-under-test.test-support.ts";
import { postgresUnderTest, redisUnderTest } from "../../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { waitFor } from "./mull-process.test-support.ts";
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

const problemCount = 30;

/** Holds the upstream's replies while a test needs workers mid-job. */
const gate = upstreamGate(sumReply);

/** A run's stored data without what differs between two runs of one configuration: ids, times, latencies, the machine. */
async function comparable(location: RunLocation) {
  const store = await openRunStore(location);
  let data: RunData;
  try {
    data = await store.readRunData();
  } finally {
    await store.close();
  }
  // The machine description holds a measured speed; the pairs in flight are recorded by a process that
  // runs them all (a queued run's workers each have their own, listed with their ids in `workers`).
  const {
    runId: _runId,
    createdAt: _createdAt,
    machine: _machine,
    concurrency: _concurrency,
    workers: _workers,
    ...manifest
  } = data.manifest;
  // A queued run's results name their workers, a local run's none.
  const results = data.results.map(({ latencyMilliseconds: _latency, worker: _worker, ...rest }) => rest);
  const { runId: _summaryRunId, ...summary } = summarizeBench({
    ...data,
    results: data.results.map((result) => ({ ...result, latencyMilliseconds: 0 })),
  });
  return { data: { manifest, problems: data.problems, results, samples: data.samples }, summary };
}

describe.skipIf(redis.url === undefined || postgres.url === undefined)(
  "mull worker on a PostgreSQL store",
  () => {
    const redisUrl = redis.url!;
    let workspace: string;
    let server: FakeOpenAIServer;
    let dataset: string;
    let schema: SchemaUnderTest;
    let login: LoginUnderTest;
    let pool: pg.Pool;

    const benchArgs = (out: string) => sumsBenchArguments(dataset, server.url, out);
    const testQueue = workerQueue(redisUrl);
    const workers = testQueue.workers;
    const queued = (name: string) => [
      ...benchArgs(name),
      "--store",
      login.url,
      "--queue",
      redisUrl,
      "--queue-name",
      testQueue.name,
    ];
    /** A worker with `--store` (the login's URL unless given; none with `null`). */
    const startWorker = (concurrency: number, store: string | null = login.url) =>
      testQueue.start(concurrency, store === null ? [] : ["--store", store]);
    const pairCalls = () =>
      server.requests.filter((request) => sumQuestionPattern.test(request.prompt)).length;
    /** Rows of a table for the run named `name`. */
    const rows = async (table: "results" | "samples", name: string) =>
      Number(
        (
          await pool.query(
            `SELECT count(*) AS n FROM ${schema.schema}.${table} t
               JOIN ${schema.schema}.runs r USING (run_id) WHERE r.name = $1`,
            [name],
          )
        ).rows[0]?.n ?? 0,
      );

    beforeAll(async () => {
      workspace = mkdtempSync(join(tmpdir(), "mull-worker-pg-"));
      server = await startFakeOpenAIServer({ handler: gate.handler });
      dataset = join(workspace, "sums.jsonl");
      writeSumsDataset(dataset, problemCount, 13);
      schema = await freshPostgresSchema(postgres.url!, "worker");
      login = await freshPostgresLogin(postgres.url!, schema);
      pool = new pg.Pool({ connectionString: postgres.url!, max: 2 });
    });
    afterAll(async () => {
      await pool?.end();
      await server?.close();
      await schema?.drop();
      await login?.drop();
      rmSync(workspace, { recursive: true, force: true });
    });

    it("runs a PostgreSQL run with two workers to a single-process SQLite run's data and summary, no password in Redis", async () => {
      const single = await testQueue.run(benchArgs(join(workspace, "single")));
      expect(single.code).toBe(0);

      // Enqueued with no worker yet: every job sits in Redis, to be read back.
      const enqueued = await testQueue.run([...queued("two-workers"), "--json"]);
      expect(enqueued.code).toBe(0);
      expect(enqueued.stderr).toContain(`${problemCount} jobs added, 0 already queued`);
      const runId = (JSON.parse(enqueued.stdout) as { runId: string }).runId;
      expect(enqueued.stderr).toContain(`bench: run two-workers (${runId}) in ${redactUrl(login.url)}: `);
      const queue = new Queue(testQueue.name, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
      try {
        const job = await queue.getJob(pairJobId(runId, "sum-3", "greedy"));
        expect(job?.data.store).toEqual({ kind: "postgres", url: redactUrl(login.url), name: "two-workers" });
      } finally {
        await queue.close();
      }
      // Nothing the queue stored holds the password: every value of every key of the queue.
      const client = new Redis(redisUrl);
      try {
        const keys = await client.keys(`bull:${testQueue.name}:*`);
        expect(keys.length).toBeGreaterThan(problemCount);
        let stored = "";
        for (const key of keys) {
          const type = await client.type(key);
          if (type === "hash") stored += JSON.stringify(await client.hgetall(key));
          else if (type === "list") stored += JSON.stringify(await client.lrange(key, 0, -1));
          else if (type === "zset") stored += JSON.stringify(await client.zrange(key, 0, -1));
          else if (type === "string") stored += (await client.get(key)) ?? "";
        }
        expect(stored).toContain(redactUrl(login.url));
        expect(stored).not.toContain(login.password);
      } finally {
        client.disconnect();
      }

      // The waiting resume enqueues nothing; then the workers run the queued jobs.
      const waiting = testQueue.spawn([...queued("two-workers"), "--resume", "--wait"]);
      await waitFor(() => waiting.output.stderr.includes("jobs added"), "the resume's enqueue");
      expect(waiting.output.stderr).toContain(
        `${problemCount} pairs, 0 already recorded; 0 jobs added, ${problemCount} already queued`,
      );
      startWorker(1);
      startWorker(2);
      const waited = { code: await waiting.exited, ...waiting.output };
      expect(waited.code).toBe(0);
      const withoutRun = (text: string) => text.replace(/\(run [^)]+\)/, "(run …)");
      expect(withoutRun(waited.stdout)).toBe(withoutRun(single.stdout));

      const sqlite = await comparable(parseRunLocation(join(workspace, "single")));
      const fromPostgres = await comparable(parseRunLocation("two-workers", login.url));
      expect(fromPostgres.data.results).toHaveLength(problemCount);
      expect(fromPostgres.data).toEqual(sqlite.data);
      expect(fromPostgres.summary).toEqual(sqlite.summary);
      // Both workers recorded pairs, and neither printed the password.
      for (const worker of workers) {
        expect(worker.output.stderr).toContain(`store ${redactUrl(login.url)}`);
        expect(`${worker.output.stdout}${worker.output.stderr}`).not.toContain(login.password);
      }
      expect(`${enqueued.stdout}${enqueued.stderr}${waited.stdout}${waited.stderr}`).not.toContain(
        login.password,
      );
    });

    it("fails the jobs at once when a worker lacks the database's credentials, saying how to start it", async () => {
      const worker = startWorker(2, null);
      const failed = await testQueue.run([...queued("no-credentials"), "--wait"]);
      expect(failed.code).toBe(1);
      const wanted = `start the worker with --store ${redactUrl(login.url).replace("***", "<password>")}`;
      expect(failed.stderr).toContain(`${problemCount} of ${problemCount} pairs failed after their attempts`);
      expect(failed.stderr).toContain("needs the database's password, which jobs never carry");
      expect(failed.stderr).toContain(wanted);
      expect(worker.output.stderr).toContain(wanted);
      expect(`${failed.stdout}${failed.stderr}${worker.output.stdout}${worker.output.stderr}`).not.toContain(
        login.password,
      );
      expect(await rows("results", "no-credentials")).toBe(0);
      // Refused without retries.
      const queue = new Queue(testQueue.name, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
      try {
        const [job] = await queue.getFailed(0, 0);
        expect(job?.attemptsMade).toBe(1);
      } finally {
        await queue.close();
      }
      // A worker started as told runs them.
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      startWorker(2);
      const resumed = await testQueue.run([...queued("no-credentials"), "--resume", "--wait"]);
      expect(resumed.stderr).toContain(`0 jobs added, 0 already queued, ${problemCount} failed ones retried`);
      expect(resumed.code).toBe(0);
      expect(await rows("results", "no-credentials")).toBe(problemCount);
    });

    // Spawns a reference bench and workers that each load the lab model: minutes on a loaded machine.
    it("loses and duplicates nothing when workers on a PostgreSQL run are killed (-9) mid-call", async () => {
      const reference = await testQueue.run(benchArgs(join(workspace, "reference")));
      expect(reference.code).toBe(0);
      const name = "killed";
      const concurrency = 2;
      const workerCount = 3;
      for (let index = 0; index < workerCount; index += 1) startWorker(concurrency);
      await waitFor(() => workers.every((worker) => worker.output.stderr.includes("taking jobs")), "workers");
      const callsBefore = pairCalls();
      const abortedBefore = server.generations.abortedByClient;
      const enqueued = await testQueue.run(queued(name));
      expect(enqueued.code).toBe(0);
      const kills = await killWorkersMidCall({
        workers,
        startWorker: (workerConcurrency) => startWorker(workerConcurrency),
        concurrency,
        workerCount,
        gate,
        rows: () => rows("results", name),
        aborted: () => server.generations.abortedByClient - abortedBefore,
        thresholds: [4, 8, 12],
      });
      await waitFor(async () => (await rows("results", name)) === problemCount, "every row after the kills");
      expect(kills).toBe(3);
      const duplicated = await pool.query(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${schema.schema}.results t
           JOIN ${schema.schema}.runs r USING (run_id) WHERE r.name = $1
           GROUP BY t.problem_id, t.strategy HAVING count(*) > 1) d`,
        [name],
      );
      expect(Number(duplicated.rows[0]?.n)).toBe(0);
      expect(await rows("samples", name)).toBe(problemCount);
      // Each kill cut `concurrency` calls short, and each of their pairs was called again by another worker.
      expect(server.generations.abortedByClient - abortedBefore).toBe(concurrency * kills);
      const calls = pairCalls() - callsBefore;
      expect(calls).toBeGreaterThan(problemCount);
      expect(calls).toBeGreaterThanOrEqual(problemCount + concurrency * kills);
      expect(calls).toBeLessThanOrEqual(problemCount + concurrency * kills);
      const sqlite = await comparable(parseRunLocation(join(workspace, "reference")));
      const fromPostgres = await comparable(parseRunLocation(name, login.url));
      expect(fromPostgres.data).toEqual(sqlite.data);
      console.log(
        `PostgreSQL worker kill test: ${problemCount} pairs, ${kills} kills, ${calls} upstream calls (bound ${problemCount + concurrency * kills})`,
      );
    }, 180_000);
  },
);
