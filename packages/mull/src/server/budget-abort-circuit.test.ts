import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type FakeCompletionReply,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

// A request's own budget that runs out aborts its upstream calls: that is the caller giving up, not the
// upstream failing, so it must not open the upstream's circuit for every other client. The backend's own
// timeout (the upstream did not answer within `timeoutMilliseconds`) still counts against the circuit.

const key = "sk-budget-circuit";
const threshold = 5;
let slow: FakeOpenAIServer;
let hanging: FakeOpenAIServer;
let assembled: AssembledServer;
/** Whether the slow upstream holds its answers back (longer than the request's budget). */
let slowDown = false;

const answer = (n: number): FakeCompletionReply => ({
  choices: Array.from({ length: n }, () => "The answer is 42."),
});

beforeAll(async () => {
  slow = await startFakeOpenAIServer({
    refuseN: true,
    // The capability probe (`max_tokens: 1`) answers at once; samples wait while `slowDown` holds.
    handler: (request) =>
      request.body?.max_tokens === 1 || !slowDown
        ? answer(request.n)
        : { ...answer(request.n), delivery: { headerDelayMilliseconds: 5_000 } },
  });
  hanging = await startFakeOpenAIServer({
    handler: (request) => (request.body?.max_tokens === 1 ? answer(request.n) : { fault: "hang" }),
  });
  const common = { allowedNetworks: ["127.0.0.1/32"], scorer: "none" as const, maxRetries: 0 };
  const config = parseServerConfig({
    upstreams: [
      {
        name: "slow",
        baseUrl: slow.url,
        models: ["slow-model"],
        timeoutMilliseconds: 30_000,
        circuitBreaker: { failureThreshold: threshold, cooldownMilliseconds: 10_000 },
        ...common,
      },
      {
        name: "hanging",
        baseUrl: hanging.url,
        models: ["hanging-model"],
        timeoutMilliseconds: 100,
        circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: 10_000 },
        ...common,
      },
    ],
  });
  assembled = await assembleServer(config, { apiKeys: [key], logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await assembled?.dispose();
  await Promise.all([slow?.close(), hanging?.close()]);
});

function ask(model: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "What is 6 times 7?" }], ...extra }),
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

async function circuits(): Promise<Record<string, string>> {
  return (await (await assembled.server.app.request("/health")).json()).circuits;
}

/** Generation requests an upstream received, leaving out the start-up capability probe. */
function samplesSent(server: FakeOpenAIServer): number {
  return server.requests.filter((request) => request.body?.max_tokens !== 1).length;
}

describe("a request's own budget running out", () => {
  it("aborts its samples without opening the upstream's circuit, and counts them as aborted", async () => {
    // A first request finds out what the upstream serves, so the next one's budget goes on its samples.
    const first = await ask("sc@2:slow-model", { temperature: 0.7 });
    expect(first.status).toBe(200);
    await first.text();
    slowDown = true;
    const short = await ask("sc@8:slow-model", {
      temperature: 0.7,
      mull: { budget: { max_milliseconds: 500 } },
    });
    expect(short.status).toBe(504);
    await short.text();
    // Eight upstream calls went out and were cut by the request's deadline: more than the threshold of five.
    // Each is observed (in the circuit, then in the metrics) as its fetch rejects, after the response.
    await vi.waitFor(async () =>
      expect(await sample('mull_upstream_requests_total{upstream="slow",outcome="aborted"}')).toBe(8),
    );
    expect(await sample('mull_upstream_requests_total{upstream="slow",outcome="timeout"}')).toBeUndefined();
    await vi.waitFor(() => expect(slow.generations.running).toBe(0));
    expect((await circuits()).slow).toBe("closed");
    expect(await sample('mull_upstream_circuit_state{upstream="slow"}')).toBe(0);

    // Another client's ordinary request still reaches the upstream.
    slowDown = false;
    const question = [{ role: "user", content: "And 5 times 8?" }];
    const next = await ask("slow-model", { messages: question });
    expect(next.status).toBe(200);
    expect((await next.json()).choices[0].message.content).toBe("The answer is 42.");
    const reached = slow.requests.filter(
      (request) => JSON.stringify(request.body?.messages) === JSON.stringify(question),
    );
    expect(reached).toHaveLength(1);
  });
});

describe("an upstream that does not answer within the backend's timeout", () => {
  it("counts each timed-out call against the circuit and opens it at the threshold", async () => {
    for (let request = 0; request < 2; request += 1) {
      const response = await ask("hanging-model");
      expect(response.status).toBeGreaterThanOrEqual(500);
      await response.text();
    }
    expect(samplesSent(hanging)).toBe(2);
    expect((await circuits()).hanging).toBe("open");
    expect(await sample('mull_upstream_circuit_state{upstream="hanging"}')).toBe(2);
    // The metrics keep their label for a timed-out call.
    expect(await sample('mull_upstream_requests_total{upstream="hanging",outcome="aborted"}')).toBe(2);

    // While open, no call goes out.
    const refused = await ask("hanging-model");
    expect(refused.status).toBe(503);
    await refused.text();
    expect(samplesSent(hanging)).toBe(2);
  });
});
