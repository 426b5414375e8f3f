import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, MullError } from "../../errors/index.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { redactUrl } from "../store/index.ts";
import { freshPostgresSchema } from "../store/postgres-schema-under-test.test-support.ts";
import { enqueueBenchRun } from "./enqueue-bench-run.ts";
import { sumsRunOptions } from "./queued-sums.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

/**
 * A Redis stand-in on a loopback port that answers every command of its first connection with PONG, then
 * takes no more connections: reached before the run is created, gone when the jobs are enqueued.
 */
async function redisAnsweringOnce(): Promise<number> {
  const server = createServer((socket) => {
    server.close();
    socket.on("data", (chunk) => {
      const commands = chunk.toString().match(/(^|\r\n)\*\d+\r\n\$/g) ?? [];
      socket.write("+PONG\r\n".repeat(commands.length));
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  return (server.address() as { port: number }).port;
}

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-enqueue-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe("enqueueBenchRun", () => {
  it("refuses an allocation over the batch before creating the run or reaching Redis", async () => {
    const out = join(directory, "run");
    const options = sumsRunOptions({ strategies: ["sc@4", "alloc@4"], seed: 7 }, out);
    // Nothing listens on port 1: the refusal comes before any connection.
    const error = await enqueueBenchRun(options, { url: "redis://127.0.0.1:1", recipe: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^--queue: alloc@4 allocates samples over the whole batch, .* run it without --queue$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("fails fast on an unreachable Redis without creating the run, so the same command works once it is up", async () => {
    const out = join(directory, "run");
    const options = sumsRunOptions({ strategies: ["greedy"], seed: 7 }, out);
    // Nothing listens on port 1. The refused connection ends the check: a client that retried instead would
    // wait out this 10-minute deadline, and fail the test by its timeout.
    const error = await enqueueBenchRun(options, {
      url: "redis://:SECRETPW@127.0.0.1:1",
      recipe: {},
      reachMilliseconds: 600_000,
    }).catch((caught: unknown) => caught);
    expect(MullError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "--queue: cannot connect to redis://:***@127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("says the run was created and to --resume when Redis goes away after answering", async () => {
    const port = await redisAnsweringOnce();
    const out = join(directory, "run");
    const options = sumsRunOptions({ strategies: ["greedy"], seed: 7 }, out);
    const error = await enqueueBenchRun(options, {
      url: `redis://:SECRETPW@127.0.0.1:${port}`,
      recipe: {},
      reachMilliseconds: 1000,
    }).catch((caught: unknown) => caught);
    expect(MullError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^--queue: enqueueing on redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} failed: no connection within 1000 ms ` +
          `\\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); run run-\\S+ in ${out} was created: ` +
          "enqueue again with the same flags and --resume$",
      ),
    );
    expect(message).not.toContain("SECRETPW");
    expect(existsSync(out)).toBe(true);
  });

  it.skipIf(postgres.url === undefined)(
    "names a run in PostgreSQL by its name and id, once, when Redis goes away after answering",
    async () => {
      const schema = await freshPostgresSchema(postgres.url!, "enqueue");
      try {
        const port = await redisAnsweringOnce();
        const options = sumsRunOptions({ strategies: ["greedy"], seed: 7 }, "enqueue-failure");
        const error = await enqueueBenchRun(
          { ...options, store: schema.url },
          { url: `redis://127.0.0.1:${port}`, recipe: {}, reachMilliseconds: 1000 },
        ).catch((caught: unknown) => caught);
        expect(MullError.isInstance(error)).toBe(true);
        const message = (error as Error).message;
        const store = redactUrl(schema.url).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        expect(message).toMatch(
          new RegExp(
            `; run enqueue-failure \\(run-\\S+\\) in ${store} was created: ` +
              "enqueue again with the same flags and --resume$",
          ),
        );
        expect(message).not.toContain(" in run ");
      } finally {
        await schema.drop();
      }
    },
    20_000,
  );
});
