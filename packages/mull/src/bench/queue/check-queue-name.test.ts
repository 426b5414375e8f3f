import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { checkQueueName } from "./check-queue-name.ts";
import { enqueueBenchRun } from "./enqueue-bench-run.ts";
import { startPairWorker } from "./pair-worker.ts";
import { buildSumsRun, sumsRunOptions } from "./queued-sums.test-support.ts";

/** The refusal of `name` under `field`, word for word. */
function refusal(field: string, name: string): string {
  return (
    `${field} ${JSON.stringify(name)}: expected a BullMQ queue name: not empty, without ':' ` +
    "(BullMQ joins its Redis keys with it), e.g. mull-bench"
  );
}

/** What `act` threw, or undefined. */
async function thrown(act: () => unknown): Promise<unknown> {
  try {
    await act();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("checkQueueName", () => {
  it("takes any name BullMQ takes, and a name left out", () => {
    for (const name of [undefined, "mull-bench", "bench run 2", "a/b.c_d"]) {
      expect(() => checkQueueName(name, "--queue-name"), String(name)).not.toThrow();
    }
  });

  it("refuses an empty name, one holding ':' and one that is not a string, naming the field and the value", async () => {
    for (const name of ["", "runs:gsm8k", ":"]) {
      const error = await thrown(() => checkQueueName(name, "--queue-name"));
      expect(ConfigError.isInstance(error), JSON.stringify(name)).toBe(true);
      expect((error as ConfigError).field).toBe("--queue-name");
      expect((error as ConfigError).message).toBe(refusal("--queue-name", name));
    }
    const error = await thrown(() => checkQueueName(42, "queueName"));
    expect((error as ConfigError).message).toMatch(/^queueName 42: expected a BullMQ queue name: /);
  });
});

describe("the library's entry points check their queue name", () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "mull-queue-name-"));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("enqueueBenchRun refuses it as `queueName` before reaching Redis or creating the run", async () => {
    const out = join(directory, "run");
    // Nothing listens on port 1: a check made after the reachability check would fail on it instead.
    const error = await thrown(() =>
      enqueueBenchRun(sumsRunOptions({ strategies: ["greedy"], seed: 7 }, out), {
        url: "redis://127.0.0.1:1",
        queueName: "runs:gsm8k",
        recipe: {},
      }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("queueName");
    expect((error as ConfigError).message).toBe(refusal("queueName", "runs:gsm8k"));
    expect(existsSync(out)).toBe(false);
  });

  it("startPairWorker refuses it as `queueName` before opening any connection", async () => {
    for (const name of ["", "team:a"]) {
      const error = await thrown(() =>
        startPairWorker({ url: "redis://127.0.0.1:1", queueName: name, build: buildSumsRun }),
      );
      expect(ConfigError.isInstance(error), name).toBe(true);
      expect((error as ConfigError).field).toBe("queueName");
      expect((error as ConfigError).message).toBe(refusal("queueName", name));
    }
  });

  it("startPairWorker refuses a concurrency that is not a whole number from 1, naming it", async () => {
    const error = await thrown(() =>
      startPairWorker({ url: "redis://127.0.0.1:1", concurrency: 0, build: buildSumsRun }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(/^startPairWorker: concurrency must be .*, got 0$/);
  });
});
