import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "../assemble-server.ts";
import { parseServerConfig } from "../config/index.ts";
import { recordingServingState } from "../key-budget-probes.test-support.ts";

// A request whose worst case is more than its key's whole budget per minute can never be served: it is
// refused with 400, not 429 with Retry-After (which SDKs retry forever), and nothing is reserved.

const key = "sk-key-budget-limit";
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
const recorded = recordingServingState();

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => ({ choices: Array(request.n).fill("It is 42.") }),
  });
  const config = parseServerConfig({
    limits: { keyTokensPerMinute: 200_000, maxSamples: 64, maxTokens: 4_000, maxRequestTokens: 500_000 },
    upstreams: [
      { name: "up", baseUrl: fake.url, models: ["m"], allowedNetworks: ["127.0.0.1/32"], scorer: "none" },
    ],
  });
  assembled = await assembleServer(config, {
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    state: recorded.state,
  });
});

afterAll(async () => {
  await assembled?.dispose();
  await fake?.close();
});

function post(model: string): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model,
        max_tokens: 4_000,
        temperature: 0.7,
        messages: [{ role: "user", content: "What is 6 times 7?" }],
      }),
    }),
  );
}

/** Generation requests the upstream received, the capability probe left out. */
const sent = () => fake.requests.filter((request) => request.body?.max_tokens !== 1).length;

describe("a request beyond its key's whole token budget per minute", () => {
  it("is refused with 400 request_exceeds_key_budget, no Retry-After, naming its worst case and the budget", async () => {
    const before = sent();
    const response = await post("sc@64:m");
    // Before: 429 key_budget_exceeded with Retry-After, which a client retries forever.
    expect(response.status).toBe(400);
    expect(response.headers.get("retry-after")).toBeNull();
    const { error } = (await response.json()) as { error: { code: string; param: string; message: string } };
    expect(error.code).toBe("request_exceeds_key_budget");
    expect(error.param).toBe("max_tokens");
    const match =
      /^this key's token budget of 200000 tokens per minute cannot cover this request \(up to (\d+) tokens: 64 samples × \(about (\d+) prompt \+ 4000 max_tokens\)\): 200000 tokens are left in the current minute's window, and no minute ever has more than 200000, so retrying cannot help; ask for fewer tokens \(a lower max_tokens, a smaller n, or a strategy that draws fewer samples\)$/.exec(
        error.message,
      );
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBe(64 * (Number(match?.[2]) + 4_000));
    // Nothing reserved, nothing sent upstream.
    expect(recorded.reservations).toEqual([]);
    expect(sent()).toBe(before);
  });

  it("leaves the key's window whole, and still answers 429 where a request fits the budget but not its window", async () => {
    // Two requests of 48 samples at once: each fits the budget per minute, both together do not.
    const responses = await Promise.all([post("sc@48:m"), post("sc@48:m")]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 429]);
    const refused = responses.find((response) => response.status === 429);
    expect(refused?.headers.get("retry-after")).not.toBeNull();
    expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe("key_budget_exceeded");
    await Promise.all(responses.map((response) => response.text().catch(() => "")));
    expect(recorded.reservations).toHaveLength(1);
  });
});
