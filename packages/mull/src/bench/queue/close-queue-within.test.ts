import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { sleep } from "../../runtime/index.ts";
import {
  type DedicatedRedis,
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "../../server/state/dedicated-redis.test-support.ts";
import { closeQueueWithin } from "./close-queue-within.ts";
import { startPairWorker } from "./pair-worker.ts";
import { queueConnection } from "./queue-connection.ts";
import { buildSumsRun } from "./queued-sums.test-support.ts";

const missing = dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

/**
 * The status of every ioredis client of a queue or worker once all are `end` or `waitMilliseconds` passed:
 * a dropped connection to a paused server ends when its socket closes, about 2 s after the drop.
 */
async function clientStatuses(target: { getBackend(): unknown }, waitMilliseconds = 0): Promise<string[]> {
  const backend = target.getBackend() as {
    client: Promise<{ status: string }>;
    blockingClient?: Promise<{ status: string }> | undefined;
  };
  const clients = await Promise.all([
    backend.client,
    ...(backend.blockingClient ? [backend.blockingClient] : []),
  ]);
  const deadline = performance.now() + waitMilliseconds;
  while (clients.some((client) => client.status !== "end") && performance.now() < deadline) await sleep(50);
  return clients.map((client) => client.status);
}

describe("closeQueueWithin", () => {
  it("refuses a bound that is not a whole number of milliseconds from 1, before closing anything", async () => {
    let closed = false;
    const target = {
      async close() {
        closed = true;
      },
    } as unknown as Queue;
    const error = await closeQueueWithin(target, { milliseconds: 0 }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(/^closeQueueWithin: milliseconds must be .*, got 0$/);
    expect(closed).toBe(false);
  });
});

describe.skipIf(missing !== undefined)("closeQueueWithin on a redis-server of its own", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startServer(): Promise<DedicatedRedis> {
    const server = await startDedicatedRedis();
    // Resumed before it is stopped, should a test fail while it is paused.
    cleanups.push(() => server.stop());
    cleanups.push(() => server.resume());
    return server;
  }

  function openQueue(server: DedicatedRedis): Queue {
    const queue = new Queue(`mull-close-${randomBytes(4).toString("hex")}`, {
      connection: queueConnection(server.url),
    });
    queue.on("error", () => undefined);
    return queue;
  }

  it("closes a queue as BullMQ does while Redis answers, dropping nothing", async () => {
    const server = await startServer();
    const queue = openQueue(server);
    await queue.add("pair", { n: 1 });
    const started = performance.now();
    expect(await closeQueueWithin(queue, { milliseconds: 5000 })).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await clientStatuses(queue)).toEqual(["end"]);
  });

  it("drops the connection of a queue whose Redis is paused once the bound passes, where BullMQ waits for ever", async () => {
    const server = await startServer();
    const queue = openQueue(server);
    const plain = openQueue(server);
    await Promise.all([queue.add("pair", { n: 1 }), plain.waitUntilReady()]);
    server.pause();
    let plainClosed = false;
    const plainClosing = plain.close().finally(() => {
      plainClosed = true;
    });
    const started = performance.now();
    expect(await closeQueueWithin(queue, { milliseconds: 300 })).toBe(true);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The bound, then at most as long again for the dropped connection to settle the close.
    expect(elapsed).toBeLessThan(1500);
    // Still paused: only the drop ends the connection; BullMQ's own close is still waiting for its QUIT.
    expect(await clientStatuses(queue, 4000)).toEqual(["end"]);
    expect(plainClosed).toBe(false);
    server.resume();
    await plainClosing;
  }, 15_000);

  it("counts the bound from the end of the caller's running jobs", async () => {
    const server = await startServer();
    const queue = openQueue(server);
    await queue.waitUntilReady();
    server.pause();
    let jobDone = false;
    const job = sleep(700).then(() => {
      jobDone = true;
    });
    const started = performance.now();
    const forced = await closeQueueWithin(queue, {
      milliseconds: 200,
      runningJobs: () => (jobDone ? [] : [job]),
    });
    expect(forced).toBe(true);
    // Not dropped while the job ran: 700 ms of it, then the bound.
    expect(performance.now() - started).toBeGreaterThanOrEqual(880);
    expect(await clientStatuses(queue, 4000)).toEqual(["end"]);
  }, 15_000);

  it("lets a worker's close end while Redis is paused, with both its connections dropped", async () => {
    const server = await startServer();
    const worker = startPairWorker({
      url: server.url,
      queueName: `mull-close-${randomBytes(4).toString("hex")}`,
      build: buildSumsRun,
      closeMilliseconds: 300,
      onError: () => undefined,
    });
    await worker.worker.waitUntilReady();
    // Its blocking connection is waiting for jobs by now.
    await sleep(300);
    server.pause();
    const started = performance.now();
    await worker.close();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    expect(await clientStatuses(worker.worker, 4000)).toEqual(["end", "end"]);
  }, 15_000);
});
