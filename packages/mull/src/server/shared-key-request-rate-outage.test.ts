import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { chatWith, fakeUpstream, generations, type Replica, replicaSet } from "./replicas.test-support.ts";
import {
  type DedicatedRedis,
  dedicatedRedisMissing,
  startDedicatedRedis,
} from "./state/dedicated-redis.test-support.ts";
import { connectRedisServingState, memoryServingState, type ServingState } from "./state/index.ts";

// A replica keeps its per-key request rate in a redis-server this file starts and then pauses (SIGSTOP:
// commands go unanswered) or kills (connections refused). Only the request rate lives in that Redis
// (budgets and circuits stay in memory), so a 503 can only come from the rate decision, and a rate limit
// that fell back to per-replica memory would let the request through to the upstream instead.

const redis = redisUnderTest();
const missing = redis.missing ?? dedicatedRedisMissing();
if (missing !== undefined) console.log(missing);

const replicas = replicaSet();

describe.skipIf(missing !== undefined)("a per-key request rate whose Redis stops answering", () => {
  let fake: FakeOpenAIServer;
  let store: DedicatedRedis;
  let replica: Replica;

  beforeAll(async () => {
    fake = await startFakeOpenAIServer({ handler: () => ({ choices: ["42"] }) });
    store = await startDedicatedRedis();
  });
  afterAll(async () => {
    await fake?.close();
    await store?.stop();
  });

  /** A replica whose request rate (100 a minute) is in the dedicated Redis, the rest in memory. */
  async function startRateReplica(): Promise<Replica> {
    const shared = await connectRedisServingState({
      url: store.url,
      prefix: "mull-test:rate-outage:",
      commandTimeoutMilliseconds: 500,
    });
    replicas.own(shared);
    const state: ServingState = {
      ...memoryServingState(),
      location: shared.location,
      keyRequestRate: shared.keyRequestRate,
      close: () => shared.close(),
    };
    return replicas.start(
      { limits: { keyRequestsPerMinute: 100 }, upstreams: [fakeUpstream("fake", fake.url)] },
      { state },
    );
  }

  async function expectStateStoreUnavailable(): Promise<void> {
    const refused = await chatWith(replica, "fake-model");
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe("1");
    expect(refused.body.error?.code).toBe("state_store_unavailable");
    expect(refused.body.error?.message).toBe(
      `the shared serving state store (${store.url}) is unreachable; this server does not serve without it; retry after 1 s`,
    );
  }

  /** Waits (bounded) until the replica serves again after the store came back; returns the last status. */
  async function statusOnceReconnected(): Promise<number> {
    let status = 0;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      status = (await chatWith(replica, "fake-model")).status;
      if (status !== 503) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return status;
  }

  it("answers 503 naming the store while Redis is paused, without calling the upstream, then serves again", async () => {
    replica = await startRateReplica();
    expect((await chatWith(replica, "fake-model")).status).toBe(200);
    const calls = generations(fake);
    store.pause();
    try {
      await expectStateStoreUnavailable();
      await expectStateStoreUnavailable();
      expect(generations(fake)).toBe(calls);
      // What needs no shared state still answers.
      expect((await fetch(`${replica.running.url}/health`)).status).toBe(200);
    } finally {
      store.resume();
    }
    expect(await statusOnceReconnected()).toBe(200);
    expect(generations(fake)).toBe(calls + 1);
  });

  it("answers 503 while Redis refuses connections, and reconnects by itself once it is back", async () => {
    replica = await startRateReplica();
    expect((await chatWith(replica, "fake-model")).status).toBe(200);
    const calls = generations(fake);
    await store.kill();
    await expectStateStoreUnavailable();
    expect(generations(fake)).toBe(calls);
    await store.restart();
    expect(await statusOnceReconnected()).toBe(200);
    expect(generations(fake)).toBe(calls + 1);
  });
});
