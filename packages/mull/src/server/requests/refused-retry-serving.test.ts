import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "../assemble-server.ts";
import { parseServerConfig } from "../config/index.ts";

// An upstream whose circuit opens on the first failed call: each sample's first attempt fails with the
// upstream's 500, and its retry is refused by the circuit that failure opened. The client reads the 500.

const key = "sk-refused-retry";
let failing: FakeOpenAIServer;
let assembled: AssembledServer;

beforeAll(async () => {
  failing = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      return { status: 500, message: "overloaded: 12 requests queued", retryAfterMilliseconds: 10 };
    },
  });
  const upstream = (name: string) => ({
    name,
    baseUrl: failing.url,
    models: [`${name}-model`],
    allowedNetworks: ["127.0.0.1/32"],
    scorer: "none" as const,
    maxRetries: 2,
    circuitBreaker: { failureThreshold: 1, cooldownMilliseconds: 60_000 },
  });
  assembled = await assembleServer(
    parseServerConfig({ upstreams: [upstream("voting"), upstream("plain")] }),
    { apiKeys: [key], logger: pino({ level: "silent" }) },
  );
});

afterAll(async () => {
  await assembled?.dispose();
  await failing?.close();
});

function post(body: Record<string, unknown>): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }),
  );
}

describe("a sample whose retry the circuit refused after the upstream failed it", () => {
  it("answers 502 samples_below_quorum with the upstream's 500 as the first failure, not the refusal", async () => {
    const response = await post({
      model: "sc@2:voting-model",
      temperature: 0.7,
      messages: [{ role: "user", content: "6 times 7?" }],
    });
    const body = await response.json();
    expect(response.status).toBe(502);
    expect(body.error.code).toBe("samples_below_quorum");
    // Before: "first failure: upstream "voting" is unavailable: its circuit is open after repeated failures; …"
    expect(body.error.message).toMatch(
      /^only 0 of 2 samples succeeded, below the quorum; first failure: POST \(upstream\) failed with status 500[^:]*: overloaded: 12 requests queued \(attempt 2 was refused unsent: upstream "voting" is unavailable: its circuit is open/,
    );
  });

  it("still answers a pass-through 503 upstream_unavailable with Retry-After: the circuit is open now", async () => {
    const response = await post({
      model: "plain-model",
      messages: [{ role: "user", content: "6 times 7?" }],
    });
    const body = await response.json();
    expect(response.status).toBe(503);
    expect(body.error.code).toBe("upstream_unavailable");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(failing.requests.filter((request) => request.body?.model === "plain-model")).toHaveLength(1);
  });
});
