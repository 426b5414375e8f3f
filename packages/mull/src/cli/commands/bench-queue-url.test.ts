import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";
import { sumReply, sumsBenchArguments, writeSumsDataset } from "./worker-queue.test-support.ts";

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

// `mull bench --queue URL` refuses a URL it cannot use as given, before any run is created or job added:
// without its password when it does not parse, and with a database Redis would not select.
describe("mull bench --queue: refusals of the URL", () => {
  let workspace: string;
  let server: FakeOpenAIServer;
  let dataset: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), "mull-bench-queue-url-"));
    server = await startFakeOpenAIServer({ handler: sumReply });
    dataset = join(workspace, "sums.jsonl");
    writeSumsDataset(dataset, 3, 5);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  const bench = (out: string, queue: string, queueName = "mull-test-url") =>
    runCliCaptured(
      ...sumsBenchArguments(dataset, server.url, join(workspace, out)),
      "--queue",
      queue,
      "--queue-name",
      queueName,
    );

  it("refuses a URL that does not parse without showing it, its password included (exit 2)", async () => {
    const refused = await bench("unparsable", "redis://:s3cr3t@127.0.0.1:99999");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "mull: --queue: expected a Redis URL such as redis://127.0.0.1:6379, got <unparsable URL>\n",
    );
    expect(existsSync(join(workspace, "unparsable"))).toBe(false);
  });

  it("refuses a database that is not a whole number (exit 2)", async () => {
    const refused = await bench("letters", "redis://127.0.0.1:1/abc");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'mull: --queue: redis://127.0.0.1:1/abc: expected a database number as the URL\'s path, e.g. /0, got "/abc"\n',
    );
    expect(existsSync(join(workspace, "letters"))).toBe(false);
  });

  it.skipIf(redis.url === undefined)(
    "refuses a database Redis cannot select, adding no job to database 0 (exit 2)",
    async () => {
      const queueName = `mull-test-${randomBytes(6).toString("hex")}`;
      const url = new URL(redis.url!);
      url.pathname = "/99";
      const inspect = new Redis(redis.url!, { lazyConnect: true });
      try {
        const refused = await bench("out-of-range", url.toString(), queueName);
        const jobs = await inspect.keys(`bull:${queueName}:*`);
        // Whatever happened, nothing is left behind in database 0.
        if (jobs.length > 0) await inspect.del(...jobs);
        expect(jobs).toEqual([]);
        expect(refused.stderr).toMatch(
          /^mull: --queue: cannot select the database of redis:\/\/[^ ]+\/99: ERR DB index is out of range \(expected a database number below the server's database count[^\n]*\)\n$/,
        );
        expect(refused.code).toBe(2);
        expect(existsSync(join(workspace, "out-of-range"))).toBe(false);
      } finally {
        inspect.disconnect();
      }
    },
  );
});
