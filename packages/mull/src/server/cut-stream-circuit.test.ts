import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

// An upstream whose answers are cut after their 200 headers (a few tokens, then the connection closes)
// is failing: its circuit opens at the threshold, and `/metrics` counts the calls as network errors,
// never as 200s.

const key = "sk-cut";
let fake: FakeOpenAIServer;
let assembled: AssembledServer;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) =>
      request.body?.max_tokens === 1
        ? { choices: ["ok"] }
        : { choices: ["one two three four five six seven eight"], delivery: { cutAfterTokens: 2 } },
  });
  const config = parseServerConfig({
    upstreams: [
      {
        name: "cutting",
        baseUrl: fake.url,
        models: ["cut-model"],
        allowedNetworks: ["127.0.0.1/32"],
        maxRetries: 0,
        scorer: "none",
        circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: 10_000 },
      },
    ],
  });
  assembled = await assembleServer(config, {
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    clock: manualClock(),
  });
});

afterAll(async () => {
  await assembled?.dispose();
  await fake?.close();
});

function ask(stream: boolean): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "cut-model", messages: [{ role: "user", content: "Count." }], stream }),
    }),
  );
}

/** The value of one `/metrics` sample, by its name and labels as written. */
async function sample(line: string): Promise<number | undefined> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const found = (await response.text()).split("\n").find((text) => text.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.split(" ").at(-1));
}

describe("an upstream that cuts its answers after the headers", () => {
  it("fails each request, opens the circuit at the threshold, and counts network errors", async () => {
    const whole = await ask(false);
    expect(whole.status).toBe(502);
    const streamed = await (await ask(true)).text();
    expect(streamed).not.toContain("data: [DONE]");
    const calls = fake.requests.filter((request) => request.body?.max_tokens !== 1).length;
    expect(calls).toBe(2);

    expect((await (await assembled.server.app.request("/health")).json()).circuits.cutting).toBe("open");
    expect(await sample('mull_upstream_circuit_state{upstream="cutting"}')).toBe(2);
    expect(await sample('mull_upstream_requests_total{upstream="cutting",outcome="network-error"}')).toBe(2);
    // Only the capability probe (a whole answer) succeeded.
    const successes = await sample('mull_upstream_requests_total{upstream="cutting",outcome="200"}');
    expect(successes ?? 0).toBe(fake.requests.length - calls);

    const refused = await ask(false);
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe("upstream_unavailable");
    expect(fake.requests.filter((request) => request.body?.max_tokens !== 1)).toHaveLength(2);
  });
});
