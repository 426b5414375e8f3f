import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import {
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import type { ServerConfigInput } from "./config/index.ts";
import {
  chatWith,
  circuitsOf,
  createGate,
  fakeUpstream,
  generations,
  type Replica,
  replicaSet,
  until,
} from "./replicas.test-support.ts";
import { connectRedisServingState } from "./state/index.ts";
import { redisTestPrefixes } from "./state/redis-test-prefix.test-support.ts";

// Two replicas of `mull serve` on loopback, in front of a failing fake upstream: with `server.state`
// (Redis, one prefix) the circuit one opens stops the other from calling the upstream, and after the
// cooldown one probe goes, from one replica; without it each replica learns the failures on its own.

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const answer = "Six times seven is 42.";
const replicas = replicaSet();

describe.skipIf(redis.url === undefined)("an upstream circuit shared by two replicas through Redis", () => {
  const url = redis.url ?? "";
  const scope = redisTestPrefixes(url);

  let primaryDown = true;
  const gate = createGate();
  let primary: FakeOpenAIServer;
  let backup: FakeOpenAIServer;
  const down: FakeReply = { status: 503, message: "overloaded", retryAfterMilliseconds: 10 };
  beforeAll(async () => {
    primary = await startFakeOpenAIServer({
      handler: async (request) => {
        if (primaryDown) return down;
        await gate.wait(request);
        return { choices: [answer] };
      },
    });
    backup = await startFakeOpenAIServer({ handler: () => ({ choices: [answer] }) });
  });
  afterAll(async () => {
    await Promise.all([primary?.close(), backup?.close()]);
  });

  const config = (state: { url: string; prefix: string } | undefined): ServerConfigInput => ({
    server: state === undefined ? {} : { state },
    upstreams: [
      {
        ...fakeUpstream("primary", primary.url, [{ name: "primary-model", fallback: "backup-model" }]),
        maxRetries: 0,
        circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: 60_000 },
      },
      fakeUpstream("backup", backup.url, ["backup-model"]),
    ],
  });

  it("opened by one replica, makes the other go to the fallback without calling the upstream", async () => {
    primaryDown = true;
    const state = { url, prefix: scope("circuit") };
    const [a, b] = (await Promise.all([replicas.start(config(state)), replicas.start(config(state))])) as [
      Replica,
      Replica,
    ];
    const before = generations(primary);
    for (let index = 0; index < 2; index += 1) {
      const result = await chatWith(a, "primary-model");
      expect(result.status).toBe(200);
      expect(result.body.mull?.served_by).toBe("backup-model");
    }
    expect(generations(primary) - before).toBe(2);
    expect((await circuitsOf(b)).primary).toBe("open");
    for (let index = 0; index < 3; index += 1) {
      const result = await chatWith(b, "primary-model");
      expect(result.status).toBe(200);
      expect(result.body.mull?.served_by).toBe("backup-model");
    }
    expect(generations(primary) - before).toBe(2);

    // Without shared state, the other replica knows nothing and calls the failing upstream again.
    const [c, d] = (await Promise.all([
      replicas.start(config(undefined)),
      replicas.start(config(undefined)),
    ])) as [Replica, Replica];
    const separateBefore = generations(primary);
    await chatWith(c, "primary-model");
    await chatWith(c, "primary-model");
    expect((await circuitsOf(c)).primary).toBe("open");
    expect((await circuitsOf(d)).primary).toBe("closed");
    await chatWith(d, "primary-model");
    expect(generations(primary) - separateBefore).toBe(3);
  });

  it("after the cooldown lets one probe through, on one replica; its success closes the circuit for both", async () => {
    primaryDown = true;
    let time = 1_000_000;
    const prefix = scope("probe");
    const states = await Promise.all(
      [0, 1].map(() => connectRedisServingState({ url, prefix, now: () => time })),
    );
    replicas.own(...states);
    const [a, b] = (await Promise.all(
      states.map((state) => replicas.start(config(undefined), { state })),
    )) as [Replica, Replica];
    await chatWith(a, "primary-model");
    await chatWith(b, "primary-model");
    expect((await circuitsOf(a)).primary).toBe("open");
    const before = generations(primary);
    const backupBefore = generations(backup);

    time += 60_000;
    primaryDown = false;
    gate.close();
    const pending = [a, b, a, b].map((replica) => chatWith(replica, "primary-model"));
    await until(
      () => generations(primary) - before === 1 && generations(backup) - backupBefore === 3,
      "one probe and three fallbacks",
    );
    gate.open();
    const results = await Promise.all(pending);
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(results.filter((result) => result.body.mull?.served_by === undefined)).toHaveLength(1);
    expect(generations(primary) - before).toBe(1);
    expect((await circuitsOf(a)).primary).toBe("closed");
    expect((await circuitsOf(b)).primary).toBe("closed");
    expect((await chatWith(b, "primary-model")).body.mull?.served_by).toBeUndefined();
  });
});
