import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import type { ServerConfigInput } from "./config/index.ts";
import {
  chatWith,
  fakeUpstream,
  generations,
  type Replica,
  replicaKey,
  replicaSet,
} from "./replicas.test-support.ts";
import { memoryServingState } from "./state/index.ts";

// One replica without shared state enforces `limits.keyRequestsPerMinute` in its own memory: fixed
// one-minute windows from a key's first request, on the injected clock of the budgets' windows.

const otherKey = "sk-other";
const replicas = replicaSet();

describe("a per-key request rate in one process", () => {
  let fake: FakeOpenAIServer;
  beforeAll(async () => {
    fake = await startFakeOpenAIServer({ handler: () => ({ choices: ["42"] }) });
  });
  afterAll(() => fake?.close());

  let time = 1_000_000;
  const start = (limits: ServerConfigInput["limits"]) =>
    replicas.start(
      { limits, upstreams: [fakeUpstream("fake", fake.url)] },
      { apiKeys: [replicaKey, otherKey], state: memoryServingState({ now: () => time }) },
    );

  const chatAs = (replica: Replica, key: string) =>
    fetch(`${replica.running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "6 times 7?" }] }),
    });

  it("refuses the request after the limit with 429 key_rate_limited until the window ends", async () => {
    const replica = await start({ keyRequestsPerMinute: 3 });
    const before = generations(fake);
    for (let index = 0; index < 3; index += 1)
      expect((await chatWith(replica, "fake-model")).status).toBe(200);
    time += 45_000;
    const refused = await chatWith(replica, "fake-model");
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("15");
    expect(refused.body.error?.code).toBe("key_rate_limited");
    expect(refused.body.error?.message).toMatch(/its limit of 3 requests per minute; retry after 15 s/);
    // The refused request never reached the upstream.
    expect(generations(fake) - before).toBe(3);
    // Another key has its own window.
    expect((await chatAs(replica, otherKey)).status).toBe(200);

    time += 15_000;
    expect((await chatWith(replica, "fake-model")).status).toBe(200);

    const metrics = await (
      await fetch(`${replica.running.url}/metrics`, { headers: { authorization: `Bearer ${replicaKey}` } })
    ).text();
    expect(metrics).toMatch(/mull_rejected_requests_total\{reason="key-rate"\} 1\n/);
  });

  it("counts every generation route, and answers Anthropic's path in Anthropic's shape", async () => {
    const replica = await start({ keyRequestsPerMinute: 1 });
    expect((await chatWith(replica, "fake-model")).status).toBe(200);
    const response = await fetch(`${replica.running.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": replicaKey },
      body: JSON.stringify({
        model: "fake-model",
        max_tokens: 64,
        messages: [{ role: "user", content: "6 times 7?" }],
      }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBe(60);
    const body = await response.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toMatch(/its limit of 1 requests per minute/);
  });

  it("leaves requests unlimited when no limit is configured", async () => {
    const replica = await start({});
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => (await chatWith(replica, "fake-model")).status),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });
});
