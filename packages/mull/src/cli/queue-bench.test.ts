import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sumsRunOptions } from "../bench/queue/queued-sums.test-support.ts";
import { queueAnswerMilliseconds } from "../bench/queue/wait-for-bench-run.ts";
import { redactUrl } from "../bench/store/index.ts";
import {
  freshPostgresLogin,
  freshPostgresSchema,
} from "../bench/store/postgres-schema-under-test.test-support.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { postgresUnderTest, redisUnderTest } from "../runtime/test-services.test-support.ts";
import {
  type DedicatedRedis,
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "../server/state/dedicated-redis.test-support.ts";
import { queueBench } from "./queue-bench.ts";

/**
 * What `queueBench --wait` is doing, for the outage tests to act on: `onOpen` runs each time the run's store
 * is opened, `onCount` at each poll of the store (its count of recorded pairs), and `followers` are the
 * queue-event followers it started.
 */
const waiting = vi.hoisted(() => ({
  onOpen: undefined as (() => Promise<void>) | undefined,
  onCount: undefined as (() => Promise<void>) | undefined,
  followers: [] as { waitUntilReady(): Promise<unknown> }[],
}));

// The run's store as queueBench opens it, its count of recorded pairs wrapped, and BullMQ's QueueEvents,
// remembered: the outage test acts on the wait's first poll of the store rather than after some time.
vi.mock("bullmq", async (importOriginal) => {
  const original = await importOriginal<typeof import("bullmq")>();
  class FollowedQueueEvents extends original.QueueEvents {
    constructor(...parameters: ConstructorParameters<typeof original.QueueEvents>) {
      super(...parameters);
      waiting.followers.push(this);
    }
  }
  return { ...original, QueueEvents: FollowedQueueEvents };
});
vi.mock("../bench/store/index.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../bench/store/index.ts")>();
  const openRunStore: typeof original.openRunStore = async (location, options) => {
    const store = await original.openRunStore(location, options);
    await waiting.onOpen?.();
    const count = store.completedPairCount;
    return Object.assign(store, {
      async completedPairCount() {
        await waiting.onCount?.();
        return count();
      },
    });
  };
  return { ...original, openRunStore };
});

const missing = dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

describe.skipIf(missing !== undefined)("queueBench --wait", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    waiting.onOpen = undefined;
    waiting.onCount = undefined;
    waiting.followers.length = 0;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("outlives its Redis going away mid-wait, and stops waiting when interrupted", async () => {
    const redis: DedicatedRedis = await startDedicatedRedis();
    cleanups.push(() => redis.stop());
    const directory = mkdtempSync(join(tmpdir(), "mull-queue-bench-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const controller = new AbortController();
    const recipe = { strategies: ["greedy"], seed: 3 };
    // No worker runs: the wait only watches. Redis dies at its first poll of the store, once the wait
    // follows the queue's events, and the user interrupts once the outage is reported.
    let killed = false;
    waiting.onCount = async () => {
      if (killed) return;
      killed = true;
      await Promise.all(waiting.followers.map((follower) => follower.waitUntilReady()));
      await redis.kill();
    };
    const printed = vi.spyOn(console, "error");
    const lines: string[] = [];
    const stderr = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      if (chunk.includes("stopped answering")) controller.abort();
      return lines.push(chunk) > 0;
    }) as typeof process.stderr.write;
    let error: unknown;
    try {
      error = await rejection(
        queueBench(
          { ...sumsRunOptions(recipe, join(directory, "run")), signal: controller.signal },
          { url: redis.url, queueName: "mull-queue-bench-test", recipe },
          { wait: true },
        ),
      );
    } finally {
      process.stderr.write = stderr;
      printed.mockRestore();
    }
    // One line says Redis went away, no stack trace per reconnection.
    expect(printed).not.toHaveBeenCalled();
    const outage = lines.filter((line) => line.includes("stopped answering"));
    expect(outage).toEqual([
      `bench: the queue's Redis ${redis.url} stopped answering (${outage[0]?.match(/\((.*)\);/)?.[1]}); waiting on, the run's store counts what is recorded (Ctrl-C stops waiting)\n`,
    ]);
    expect(outage[0]).toMatch(/\((connect ECONNREFUSED|read ECONNRESET|write ECONNRESET)[^)]*\)/);
    expect((error as Error).message).toMatch(
      /^stopped waiting: 0 of 10 pairs recorded in .*; the queue's Redis or the run's store did not answer, so whether the pending pairs are still queued is unknown; once both answer, enqueue again with the same flags and --resume \(it queues only the missing pairs\)$/,
    );
  }, 30_000);

  it("ends, saying to --resume, when Redis comes back empty mid-wait", async () => {
    const redis: DedicatedRedis = await startDedicatedRedis();
    cleanups.push(() => redis.stop());
    const directory = mkdtempSync(join(tmpdir(), "mull-queue-bench-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const recipe = { strategies: ["greedy"], seed: 3 };
    // No worker runs; Redis restarts without the run's jobs at the wait's first poll of the store.
    let restarted = false;
    waiting.onCount = async () => {
      if (restarted) return;
      restarted = true;
      await Promise.all(waiting.followers.map((follower) => follower.waitUntilReady()));
      await redis.kill();
      await redis.restart();
    };
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let error: unknown;
    try {
      error = await rejection(
        queueBench(
          sumsRunOptions(recipe, join(directory, "run")),
          { url: redis.url, queueName: "mull-queue-bench-lost", recipe },
          { wait: true },
        ),
      );
    } finally {
      stderr.mockRestore();
    }
    expect((error as Error).message).toMatch(
      new RegExp(
        `^10 pending pairs have no job in queue mull-queue-bench-lost on ${redis.url} any more \\(Redis restarted empty, or was flushed\\?\\): no worker will run them; 0 of 10 pairs recorded in .*; enqueue again with the same flags and --resume to queue the missing pairs$`,
      ),
    );
  }, 30_000);

  it("says once that Redis died before the wait followed the queue's events, and stops within a bound when interrupted", async () => {
    const redis: DedicatedRedis = await startDedicatedRedis();
    cleanups.push(() => redis.stop());
    const directory = mkdtempSync(join(tmpdir(), "mull-queue-bench-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const controller = new AbortController();
    const recipe = { strategies: ["greedy"], seed: 3 };
    // Redis dies once the run is enqueued, when the wait's store is opened: before the wait follows the
    // queue's events, whose connection is then never established.
    const lines: string[] = [];
    let interrupted: number | undefined;
    const stderr = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      if (chunk.includes("jobs added")) waiting.onOpen = () => redis.kill();
      if (chunk.includes("stopped answering") && interrupted === undefined) {
        interrupted = performance.now();
        controller.abort();
      }
      return lines.push(chunk) > 0;
    }) as typeof process.stderr.write;
    const printed = vi.spyOn(console, "error");
    let error: unknown;
    try {
      error = await rejection(
        queueBench(
          { ...sumsRunOptions(recipe, join(directory, "run")), signal: controller.signal },
          { url: redis.url, queueName: "mull-queue-bench-early", recipe },
          { wait: true },
        ),
      );
    } finally {
      process.stderr.write = stderr;
      printed.mockRestore();
    }
    const stopped = performance.now();
    expect(printed).not.toHaveBeenCalled();
    // The queue's own connection may have come up before Redis died: refused, or reset.
    const outage = lines.filter((line) => line.includes("stopped answering"));
    expect(outage).toEqual([
      `bench: the queue's Redis ${redis.url} stopped answering (${outage[0]?.match(/\((.*)\);/)?.[1]}); waiting on, the run's store counts what is recorded (Ctrl-C stops waiting)\n`,
    ]);
    expect(outage[0]).toMatch(/\((connect ECONNREFUSED|read ECONNRESET|write ECONNRESET)[^)]*\)/);
    expect((error as Error).message).toMatch(
      /^stopped waiting: 0 of 10 pairs recorded in .*; the queue's Redis or the run's store did not answer, so whether the pending pairs are still queued is unknown; once both answer, enqueue again with the same flags and --resume \(it queues only the missing pairs\)$/,
    );
    // Closing the events' connection that never came up is bounded, as the store's and the queue's are.
    expect(stopped - interrupted!).toBeLessThan(2 * queueAnswerMilliseconds + 1000);
  }, 30_000);
});

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);
const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe.skipIf(redis.url === undefined)("queueBench --json without --wait", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Enqueues a run's pairs on a queue of its own (emptied afterwards) and returns what `--json` printed. */
  async function enqueuedJson(options: ReturnType<typeof sumsRunOptions>): Promise<Record<string, unknown>> {
    const queueName = `mull-queue-json-${randomBytes(6).toString("hex")}`;
    cleanups.push(async () => {
      const queue = new Queue(queueName, { connection: { url: redis.url!, maxRetriesPerRequest: null } });
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const printed: string[] = [];
    const stdout = vi
      .spyOn(process.stdout, "write")
      .mockImplementation((chunk) => printed.push(String(chunk)) > 0);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await queueBench(
        options,
        { url: redis.url!, queueName, recipe: { strategies: ["greedy"], seed: 3 } },
        { json: true },
      );
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    return JSON.parse(printed.join("")) as Record<string, unknown>;
  }

  it("says where a run directory is as `directory`, with the run's id and pair counts", async () => {
    const directory = mkdtempSync(join(tmpdir(), "mull-queue-json-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const out = join(directory, "run");
    const shown = await enqueuedJson(sumsRunOptions({ strategies: ["greedy"], seed: 3 }, out));
    expect(shown).toEqual({
      directory: out,
      runId: expect.stringMatching(/^run-/),
      created: true,
      total: 10,
      skipped: 0,
      added: 10,
      queued: 0,
      retried: 0,
    });
  });

  it.skipIf(postgres.url === undefined)(
    "says where a run in PostgreSQL is as `run` and `store`, the password redacted, as the summary does",
    async () => {
      const schema = await freshPostgresSchema(postgres.url!, "queue_json");
      const login = await freshPostgresLogin(postgres.url!, schema);
      cleanups.push(async () => {
        await schema.drop();
        await login.drop();
      });
      const shown = await enqueuedJson({
        ...sumsRunOptions({ strategies: ["greedy"], seed: 3 }, "queued-json"),
        store: login.url,
      });
      expect(Object.keys(shown)).toEqual([
        "run",
        "store",
        "runId",
        "created",
        "total",
        "skipped",
        "added",
        "queued",
        "retried",
      ]);
      expect(shown.run).toBe("queued-json");
      expect(shown.store).toBe(redactUrl(login.url));
      expect(JSON.stringify(shown)).not.toContain(login.password);
      expect(shown).toMatchObject({ created: true, total: 10, skipped: 0, added: 10 });
    },
    20_000,
  );
});
