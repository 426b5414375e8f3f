import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import type { ServerConfigInput } from "./config/index.ts";
import {
  chatWith,
  createGate,
  fakeUpstream,
  generations,
  replicaKey,
  replicaSet,
  until,
} from "./replicas.test-support.ts";
import { redisTestPrefixes } from "./state/redis-test-prefix.test-support.ts";

// A request the server sheds for overload (`maxInFlight`, 429 `server_overloaded`) did no work, so it
// must not use up its key's request rate: a client retrying after overload would otherwise lock itself
// out. Checked with the rate in this process's memory and in Redis (`server.state`).

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const otherKey = "sk-other";
const replicas = replicaSet();
const gate = createGate();
let fake: FakeOpenAIServer;
beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: async (request) => {
      await gate.wait(request);
      return { choices: ["42"] };
    },
  });
});
afterAll(() => fake?.close());

const stores = [
  { name: "in memory", url: undefined },
  { name: "in Redis", url: redis.url },
] as const;

describe.each(stores)("a per-key request rate $name under overload", ({ name, url }) => {
  const scope = url === undefined ? undefined : redisTestPrefixes(url);

  it.skipIf(name === "in Redis" && url === undefined)(
    "does not count requests refused for overload: two later requests at 2 a minute still pass",
    async () => {
      const config: ServerConfigInput = {
        server: {
          maxInFlight: 1,
          ...(url === undefined || scope === undefined ? {} : { state: { url, prefix: scope("overload") } }),
        },
        limits: { keyRequestsPerMinute: 2 },
        upstreams: [fakeUpstream("fake", fake.url)],
      };
      const replica = await replicas.start(config, { apiKeys: [replicaKey, otherKey] });

      // Another key's request holds the one slot at the upstream.
      gate.close();
      const before = generations(fake);
      const holding = fetch(`${replica.running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${otherKey}` },
        body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "6 × 7?" }] }),
      });
      await until(() => generations(fake) - before === 1, "the holding request to reach the upstream");

      for (let attempt = 0; attempt < 3; attempt += 1) {
        const shed = await chatWith(replica, "fake-model");
        expect(shed.status).toBe(429);
        expect(shed.body.error?.code).toBe("server_overloaded");
      }
      gate.open();
      expect((await holding).status).toBe(200);

      // The key's allowance is whole: two pass, and the limit still holds for the third.
      expect((await chatWith(replica, "fake-model")).status).toBe(200);
      expect((await chatWith(replica, "fake-model")).status).toBe(200);
      const limited = await chatWith(replica, "fake-model");
      expect(limited.status).toBe(429);
      expect(limited.body.error?.code).toBe("key_rate_limited");
      expect(generations(fake) - before).toBe(3);

      const metrics = await (
        await fetch(`${replica.running.url}/metrics`, {
          headers: { authorization: `Bearer ${replicaKey}` },
        })
      ).text();
      expect(metrics).toMatch(/mull_rejected_requests_total\{reason="overload"\} 3\n/);
      expect(metrics).toMatch(/mull_rejected_requests_total\{reason="key-rate"\} 1\n/);
    },
  );
});
