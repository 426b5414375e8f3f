import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { defaultModelProfile } from "../../generation/index.ts";
import type { Backend } from "../../spec/index.ts";
import { createScriptedBackend, type ScriptedBackendOptions } from "../../testing/scripted-backend.ts";
import { parseServerConfig, type ServerConfigInput } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import type { KeyBudgetStore } from "../middleware/index.ts";
import { memoryServingState } from "../state/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

// Every way a generation request ends settles its key's reservation exactly once, with what it used:
// a failure gives back all it did not use, so failed requests never lock a key out of its budget.

const key = "sk-test-key";

/** One reservation as the route made and settled it. */
interface Settlement {
  readonly reserved: number;
  readonly used: (number | undefined)[];
}

/** A per-process budget that records each reservation's settle calls. */
function recordingState() {
  const settlements: Settlement[] = [];
  const memory = memoryServingState();
  const state = {
    ...memory,
    keyBudget(tokensPerMinute: number): KeyBudgetStore {
      const store = memory.keyBudget(tokensPerMinute);
      return {
        async reserve(id, tokens) {
          const answer = await store.reserve(id, tokens);
          if ("retryAfterSeconds" in answer) return answer;
          const settlement: Settlement = { reserved: tokens, used: [] };
          settlements.push(settlement);
          return {
            settle(used) {
              settlement.used.push(used);
              return answer.settle(used);
            },
          };
        },
      };
    },
  };
  return { state, settlements };
}

function setup(options: {
  scripted: ScriptedBackendOptions;
  limits?: NonNullable<ServerConfigInput["limits"]>;
  kind?: ServedModel["kind"];
}) {
  const backend: Backend = createScriptedBackend(options.scripted);
  const config = parseServerConfig({
    server: { keepAliveMilliseconds: 30 },
    limits: { maxSamples: 16, maxTokens: 1000, keyTokensPerMinute: 600, ...options.limits },
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  });
  const model: ServedModel = {
    name: "m",
    upstream: "up",
    backend,
    kind: options.kind ?? "other",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
  };
  const { state, settlements } = recordingState();
  const server = createServer({
    config,
    models: [model],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    state,
  });
  const post = (body: Record<string, unknown>, signal?: AbortSignal) =>
    server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: "m",
        messages: [{ role: "user", content: "What is 6 times 7?" }],
        ...body,
      }),
      ...(signal === undefined ? {} : { signal }),
    });
  return { server, post, settlements };
}

const upstreamFailure = () => {
  throw new BackendCallError("POST https://llm.example.com/v1/chat/completions: HTTP 500", {
    status: 500,
    isRetryable: false,
  });
};

describe("the key's reservation of a request that fails", () => {
  it("is given back whole, so failed requests leave the budget whole", async () => {
    let failing = true;
    const { post, settlements } = setup({
      scripted: {
        responses: ["The answer is 42."],
        onCall: () => {
          if (failing) upstreamFailure();
        },
      },
    });
    // Each request reserves about 185 of the 600 tokens: without the give-back the fourth is refused.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) statuses.push((await post({ max_tokens: 180 })).status);
    expect(statuses).toEqual([502, 502, 502, 502, 502, 502]);
    expect(settlements.map((settlement) => settlement.used)).toEqual(Array(6).fill([0]));
    failing = false;
    // A request whose worst case is nearly the whole budget still fits.
    const whole = await post({ max_tokens: 580 });
    expect(whole.status).toBe(200);
  });

  it("is settled once with the tokens used by a successful request", async () => {
    const { post, settlements } = setup({ scripted: { responses: ["The answer is 42."] } });
    const response = await post({ max_tokens: 180 });
    expect(response.status).toBe(200);
    const usage = (await response.json()).usage;
    expect(settlements).toHaveLength(1);
    expect(settlements[0]?.used).toEqual([usage.prompt_tokens + usage.completion_tokens]);
  });

  it("is settled once with nothing used when the client goes away (499)", async () => {
    const { post, settlements } = setup({
      scripted: { responses: ["The answer is 42."], delayMilliseconds: 200 },
    });
    const controller = new AbortController();
    const pending = post({ max_tokens: 180 }, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const response = await pending;
    expect(response.status).toBe(499);
    expect(settlements.map((settlement) => settlement.used)).toEqual([[0]]);
  });

  it("is settled once with nothing used when a shutdown cuts the request (503)", async () => {
    const { server, post, settlements } = setup({
      scripted: { responses: ["The answer is 42."], delayMilliseconds: 200 },
    });
    const pending = post({ max_tokens: 180 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.abortAll();
    const response = await pending;
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe("server_shutting_down");
    expect(settlements.map((settlement) => settlement.used)).toEqual([[0]]);
  });

  it("charges a stream that fails after its headers what its finished samples used", async () => {
    let calls = 0;
    const { post, settlements } = setup({
      scripted: {
        responses: ["#### 7"],
        delayMilliseconds: 60,
        // The second sample of each request is lost: below a quorum of every sample.
        onCall: () => {
          calls += 1;
          if (calls % 2 === 0)
            throw new BackendCallError("POST x: the stream ended without [DONE]", { isRetryable: true });
        },
      },
      kind: "openai-compatible",
      limits: { minSampleFraction: 1, keyTokensPerMinute: 2_000 },
    });
    // What one sample of this request uses, from a request whose only sample is answered.
    const single = await post({ model: "sc@1:m", max_tokens: 100 });
    expect(single.status).toBe(200);
    const usage = (await single.json()).usage;
    const perSample = usage.prompt_tokens + usage.completion_tokens;
    expect(perSample).toBeGreaterThan(0);
    calls = 1;

    const streamed = await post({ model: "sc@2:m", max_tokens: 100, stream: true });
    expect(streamed.status).toBe(200);
    const text = await streamed.text();
    expect(text).toContain("samples_below_quorum");
    expect(settlements).toHaveLength(2);
    expect(settlements[1]?.used).toEqual([perSample]);
    expect(settlements[1]?.reserved).toBeGreaterThan(perSample);
  });
});
