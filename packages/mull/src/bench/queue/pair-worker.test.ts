import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../../runtime/index.ts";
import {
  type DedicatedRedis,
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "../../server/state/dedicated-redis.test-support.ts";
import { startPairWorker } from "./pair-worker.ts";
import { buildSumsRun } from "./queued-sums.test-support.ts";

const missing = dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

describe.skipIf(missing !== undefined)("startPairWorker while Redis is away", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("says once that it lost Redis and retries, and once that it is back", async () => {
    const server: DedicatedRedis = await startDedicatedRedis();
    cleanups.push(() => server.stop());
    const lines: string[] = [];
    const worker = startPairWorker({
      url: server.url,
      queueName: "mull-worker-outage",
      build: buildSumsRun,
      onError: (message) => lines.push(message),
    });
    cleanups.push(() => worker.close());
    await worker.worker.waitUntilReady();
    await server.kill();
    // BullMQ fails to reconnect about once a second meanwhile.
    await sleep(3000);
    expect(lines, lines.join("\n")).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^queue: lost the connection to ${server.url} \\((connect ECONNREFUSED|read ECONNRESET)[^)]*\\); retrying until it answers$`,
      ),
    );
    await server.restart();
    const deadline = performance.now() + 10_000;
    while (lines.length < 2 && performance.now() < deadline) await sleep(50);
    expect(lines.slice(1)).toEqual([`queue: connected to ${server.url} again`]);
    // Lost again later, it says so again.
    await server.kill();
    while (lines.length < 3 && performance.now() < deadline + 5000) await sleep(50);
    expect(lines[2]).toMatch(/^queue: lost the connection to /);
    // BullMQ's close waits for Redis.
    await server.restart();
  }, 30_000);
});
