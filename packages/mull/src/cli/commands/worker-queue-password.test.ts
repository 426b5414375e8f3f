import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "../../server/state/dedicated-redis.test-support.ts";
import { startMull, waitFor } from "./mull-process.test-support.ts";

const missing = dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

describe.skipIf(missing !== undefined)("mull worker on a Redis with a password", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("names the queue's URL with its password redacted, and never prints the password", async () => {
    const password = `s3cret${randomBytes(6).toString("hex")}`;
    const redis = await startDedicatedRedis({ password });
    cleanups.push(() => redis.stop());
    const port = new URL(redis.url).port;
    const worker = startMull([
      "worker",
      "--queue",
      `redis://:${password}@127.0.0.1:${port}`,
      "--queue-name",
      "mull-password",
    ]);
    cleanups.push(() => {
      worker.child.kill("SIGKILL");
    });
    await waitFor(() => worker.output.stderr.includes("taking jobs"), "the worker to start", 30_000);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output.stderr.split("\n")[0]).toBe(
      `worker: taking jobs from mull-password on redis://:***@127.0.0.1:${port} ` +
        `(concurrency 1, pid ${worker.child.pid})`,
    );
    expect(worker.output.stderr).not.toContain(password);
    expect(worker.output.stdout).not.toContain(password);
  }, 40_000);
});
