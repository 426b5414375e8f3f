import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sumsRunOptions } from "../bench/queue/queued-sums.test-support.ts";
import type { BenchProgress } from "../bench/runner/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import {
  type DedicatedRedis,
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "../server/state/dedicated-redis.test-support.ts";
import { queueBench } from "./queue-bench.ts";

const missing = dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

describe.skipIf(missing !== undefined)("queueBench --wait", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("outlives its Redis going away mid-wait, and stops waiting when interrupted", async () => {
    const redis: DedicatedRedis = await startDedicatedRedis();
    cleanups.push(() => redis.stop());
    const directory = mkdtempSync(join(tmpdir(), "mull-queue-bench-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const controller = new AbortController();
    const recipe = { strategies: ["greedy"], seed: 3 };
    // No worker runs: the wait only watches. While it polls the store, Redis dies, then the user interrupts.
    const progress: BenchProgress = {
      start() {
        setTimeout(() => void redis.kill().then(() => setTimeout(() => controller.abort(), 1500)), 500);
      },
      advance() {},
      stop() {},
    };
    const printed = vi.spyOn(console, "error");
    const lines: string[] = [];
    const stderr = process.stderr.write;
    process.stderr.write = ((chunk: string) => lines.push(chunk) > 0) as typeof process.stderr.write;
    let error: unknown;
    try {
      error = await rejection(
        queueBench(
          { ...sumsRunOptions(recipe, join(directory, "run")), progress, signal: controller.signal },
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
    expect(outage[0]).toMatch(/\((connect ECONNREFUSED|read ECONNRESET)[^)]*\)/);
    expect((error as Error).message).toMatch(
      /^stopped waiting: 0 of 10 pairs recorded in .*; the workers go on with the queued ones$/,
    );
  }, 30_000);
});
