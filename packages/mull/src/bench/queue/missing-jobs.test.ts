import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import { missingJobCount, missingJobsOf } from "./missing-jobs.ts";
import type { PairJobData } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

describe("missingJobCount without a connection", () => {
  const queue = { toKey: () => expect.unreachable("no job is looked up") } as unknown as Queue<PairJobData>;

  it("is unknown, asking nothing, when its connection is not ready in time", async () => {
    const client = new Redis("redis://127.0.0.1:1", { lazyConnect: true });
    try {
      expect(client.status).toBe("wait");
      expect(await missingJobCount(client, queue, ["a", "b"], 50)).toBeUndefined();
    } finally {
      client.disconnect();
    }
  });

  it("is unknown within its time while Redis refuses the connection, and stops listening", async () => {
    const client = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 20 });
    client.on("error", () => undefined);
    try {
      const started = performance.now();
      expect(await missingJobCount(client, queue, ["a", "b"], 200)).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(client.listenerCount("ready")).toBe(0);
      expect(client.listenerCount("end")).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it("is unknown, at once, once its connection has ended", async () => {
    const client = new Redis("redis://127.0.0.1:1", { lazyConnect: true });
    client.disconnect();
    const started = performance.now();
    expect(await missingJobCount(client, queue, ["a"], 5000)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe.skipIf(redis.url === undefined)("missingJobsOf", () => {
  const url = redis.url!;
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("lists the jobs the queue does not hold, over more ids than one batch asks about", async () => {
    const queue = new Queue<PairJobData>(`mull-test-${randomBytes(6).toString("hex")}`, {
      connection: queueConnection(url),
    });
    cleanups.push(
      () => queue.close(),
      () => queue.obliterate({ force: true }),
    );
    const client = new Redis(url, { maxRetriesPerRequest: null });
    cleanups.push(() => client.disconnect());
    const data = { store: "runs/a", runId: "run-a", problemId: "p", strategy: "greedy", recipe: {} };
    await queue.add("pair", data, { jobId: "queued-1" });
    await queue.add("pair", data, { jobId: "queued-2" });
    // 1200 ids: three batches, the queued ones in the first and the last.
    const absent = Array.from({ length: 1198 }, (_, index) => `absent-${index}`);
    const ids = ["queued-1", ...absent, "queued-2"];
    expect(await missingJobsOf(client, queue, ids)).toEqual(absent);
    await client.ping();
    expect(await missingJobCount(client, queue, ids, 5000)).toBe(1198);
    expect(await missingJobCount(client, queue, ["queued-1", "queued-2"], 5000)).toBe(0);
  });

  it("waits for a connection still being made, as one opened when a wait is interrupted at once", async () => {
    const queue = new Queue<PairJobData>(`mull-test-${randomBytes(6).toString("hex")}`, {
      connection: queueConnection(url),
    });
    cleanups.push(
      () => queue.close(),
      () => queue.obliterate({ force: true }),
    );
    const data = { store: "runs/a", runId: "run-a", problemId: "p", strategy: "greedy", recipe: {} };
    await queue.add("pair", data, { jobId: "queued-1" });
    const client = new Redis(url, { maxRetriesPerRequest: null });
    cleanups.push(() => client.disconnect());
    expect(client.status).toBe("connecting");
    expect(await missingJobCount(client, queue, ["queued-1", "absent"], 5000)).toBe(1);
  });
});
