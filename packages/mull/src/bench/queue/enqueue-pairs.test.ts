import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import { pairKey } from "../store/index.ts";
import { enqueuePairs } from "./enqueue-pairs.ts";
import { type PairJobData, pairJobId } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const runId = "run-20260101T000000Z-abc123";
const pairs: PairJobData[] = ["p1", "p2", "p3"].map((problemId) => ({
  store: { kind: "sqlite", directory: "/runs/r" },
  runId,
  problemId,
  strategy: "greedy",
  recipe: {},
}));

describe.skipIf(redis.url === undefined)("enqueuePairs", () => {
  let queue: Queue<PairJobData>;
  beforeEach(() => {
    queue = new Queue(`mull-test-${randomBytes(6).toString("hex")}`, {
      connection: queueConnection(redis.url!),
    });
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("leaves out the pairs without a job that the store recorded since they were listed", async () => {
    let asked = 0;
    const enqueued = await enqueuePairs(queue, pairs, {}, async () => {
      asked += 1;
      return new Set([pairKey("p2", "greedy")]);
    });
    expect(enqueued).toEqual({ added: 2, queued: 0, retried: 0, recordedMeanwhile: 1 });
    expect(asked).toBe(1);
    expect(await queue.getJobState(pairJobId(runId, "p2", "greedy"))).toBe("unknown");
    expect(await queue.getJobState(pairJobId(runId, "p1", "greedy"))).toBe("waiting");
  });

  it("does not ask the store when every pair is queued, and adds every pair when it fails", async () => {
    await enqueuePairs(queue, pairs);
    let asked = 0;
    const again = await enqueuePairs(queue, pairs, {}, async () => {
      asked += 1;
      return new Set();
    });
    expect(again).toEqual({ added: 0, queued: 3, retried: 0, recordedMeanwhile: 0 });
    expect(asked).toBe(0);
    await queue.obliterate({ force: true });
    const unread = await enqueuePairs(queue, pairs, {}, async () => {
      throw new Error("read ECONNRESET");
    });
    expect(unread).toEqual({ added: 3, queued: 0, retried: 0, recordedMeanwhile: 0 });
  });
});
