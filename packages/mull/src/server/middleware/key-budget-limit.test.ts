import { Hono } from "hono";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "../assemble-server.ts";
import { parseServerConfig } from "../config/index.ts";
import { ApiError } from "../http/index.ts";
import { recordingServingState } from "../key-budget-probes.test-support.ts";
import { StateStoreUnavailableError } from "../state/index.ts";
import { createServerMetrics } from "../telemetry/index.ts";
import { createApiKeyCheck } from "./api-key-check.ts";
import { type KeyBudgetLimitOptions, type KeyBudgetVariables, keyBudgetLimit } from "./key-budget-limit.ts";

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

/** What a request's `keyBudget.reserve(tokens)` gives through `keyBudgetLimit`: the reservation, or what it threw. */
async function reserveThrough(
  options: Pick<KeyBudgetLimitOptions, "tokensPerMinute" | "store">,
  tokens: number,
): Promise<unknown> {
  const app = new Hono<{ Variables: KeyBudgetVariables }>();
  let outcome: unknown;
  const limit = keyBudgetLimit({
    ...options,
    keys: createApiKeyCheck([key]),
    metrics: createServerMetrics(),
  });
  app.post("/", limit, async (context) => {
    outcome = await context.var.keyBudget?.reserve(tokens).catch((error: unknown) => error);
    return context.body(null, 204);
  });
  await app.request("/", { method: "POST", headers: { authorization: `Bearer ${key}` } });
  return outcome;
}

describe("keyBudgetLimit", () => {
  it("reserves a request worth exactly the key's budget per minute in a fresh window", async () => {
    const reserved = await reserveThrough({ tokensPerMinute: 1_000 }, 1_000);
    expect(reserved).not.toBeInstanceOf(Error);
    expect(reserved).toHaveProperty("settle");
  });

  it("refuses a request beyond the budget with 400 even where the shared store cannot be reached", async () => {
    const unreachable = new StateStoreUnavailableError("redis://10.0.0.5:6379/0");
    const store = () => ({ reserve: () => Promise.reject(unreachable) });
    const refused = await reserveThrough({ tokensPerMinute: 1_000, store }, 1_001);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, code: "request_exceeds_key_budget" });
    // Without the store's answer, the message cannot say what is left in the window.
    expect((refused as ApiError).message).not.toContain("left in the current minute's window");
    // A request within the budget needs the store, and meets its failure.
    expect(await reserveThrough({ tokensPerMinute: 1_000, store }, 1_000)).toBe(unreachable);
  });

  it("gives back at once a reservation a store granted a request beyond the budget, and still refuses it", async () => {
    const settled: (number | undefined)[] = [];
    const store = () => ({
      reserve: async () => ({ settle: (used: number | undefined) => void settled.push(used) }),
    });
    const refused = await reserveThrough({ tokensPerMinute: 1_000, store }, 1_001);
    expect(refused).toMatchObject({ status: 400, code: "request_exceeds_key_budget" });
    expect(settled).toEqual([0]);
  });
});
