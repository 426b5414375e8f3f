import { afterEach, describe, expect, it, vi } from "vitest";
import { MullError } from "../errors/index.ts";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { runPiped } from "./closed-pipe.test-support.ts";
import { endOnClosedPipe } from "./end-on-closed-pipe.ts";
import { failOnClosedPipe } from "./fail-on-closed-pipe.ts";

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

/** An `EPIPE` error, as a write to a pipe whose reader has gone raises it. */
function epipe(): NodeJS.ErrnoException {
  return Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
}

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe("failOnClosedPipe", () => {
  it("stops the command once with the failure it ends with, without ending the process", () => {
    endOnClosedPipe();
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as () => never);
    const failures: MullError[] = [];
    const pipe = failOnClosedPipe("tune", (failure) => failures.push(failure));
    try {
      expect(pipe.failure).toBeUndefined();
      process.stderr.emit("error", epipe());
      process.stdout.emit("error", epipe());
      expect(failures).toHaveLength(1);
      expect(MullError.isInstance(failures[0])).toBe(true);
      expect(failures[0]?.message).toMatch(/^tune: stopped: .*closed the pipe/);
      expect(pipe.failure).toBe(failures[0]);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      pipe.release();
    }
  });
});

describe("a closed standard error under a command that writes to it while it works", () => {
  it("stops `mull tune` between levels and fails with 1 instead of ending with 0 halfway", async () => {
    server = await startFakeOpenAIServer({
      handler: async (request) => {
        await new Promise((resolveLater) => setTimeout(resolveLater, 40));
        return { choices: Array.from({ length: request.n }, () => "one two three four") };
      },
    });
    const run = await runPiped(
      ["tune", "--base-url", server.url, "--concurrency", "1,2,4,8", "--requests", "4", "--warmup", "0"],
      "stderr",
    );
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    // No report of a sweep cut short, and not every level was sent.
    expect(run.other).toBe("");
    expect(server.generations.started).toBeLessThan(16);
  }, 60_000);

  it("drains `mull serve` and fails with 1 instead of ending with 0 at its listening line", async () => {
    server = await startFakeOpenAIServer({});
    const run = await runPiped(["serve", "--port", "0", "--base-url", server.url], "stderr");
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.other).toBe("");
  }, 60_000);

  it.skipIf(redis.url === undefined)(
    "stops `mull worker` and fails with 1 instead of ending with 0 at its first line",
    async () => {
      const queueName = `closed-pipe-${process.pid}-${Date.now()}`;
      const run = await runPiped(["worker", "--queue", redis.url ?? "", "--queue-name", queueName], "stderr");
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      expect(run.other).toBe("");
    },
    60_000,
  );
});
