import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

// A cascade over two upstreams whose small model always agrees with itself: it settles on the small
// model, and the response still splits its usage by model (one served model, the whole usage).

const right = "\n12+7=19\n19-3=16\n#### 16";
const smallUsage = { promptTokens: 3, completionTokens: 7 };
let small: FakeOpenAIServer;
let large: FakeOpenAIServer;
let assembled: AssembledServer;

beforeAll(async () => {
  const answer = (request: { n: number }) => ({
    choices: Array.from({ length: request.n }, () => right),
    usage: smallUsage,
  });
  small = await startFakeOpenAIServer({ handler: answer });
  large = await startFakeOpenAIServer({ handler: answer });
  const upstream = (name: string, server: FakeOpenAIServer, model: string) => ({
    name,
    baseUrl: server.url,
    allowedNetworks: ["127.0.0.1/32"],
    models: [{ name: model, upstreamModel: "fake-model" }],
  });
  const config = parseServerConfig({
    upstreams: [upstream("small-http", small, "lab-v2-small"), upstream("large-http", large, "lab-v2-large")],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await assembled?.dispose();
  await small?.close();
  await large?.close();
});

interface Counts {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  calls: number;
}

describe("usage per model of a routing strategy that did not escalate", () => {
  it("reports the first model's tokens as the whole usage, in the mull object and in mull_tokens_total", async () => {
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "cascade@4:lab-v2-small>lab-v2-large",
        messages: [{ role: "user", content: "12+7-3=?" }],
        mull: { seed: 3 },
      }),
    });
    expect(response.status).toBe(200);
    const { mull } = (await response.json()) as {
      mull: {
        answer: string;
        usage: Counts & { score_calls: number };
        usage_by_model?: Record<string, Counts>;
      };
    };
    expect(mull.answer).toBe("16");
    expect(large.requests.filter((request) => request.endpoint === "completions")).toHaveLength(0);
    const { score_calls: _scoreCalls, ...counts } = mull.usage;
    expect(counts.completion_tokens).toBeGreaterThan(0);
    expect(mull.usage_by_model).toEqual({ "lab-v2-small": counts });

    const metrics = await (await assembled.server.app.request("/metrics")).text();
    const line = metrics
      .split("\n")
      .find((text) =>
        text.startsWith('mull_tokens_total{upstream="small-http",kind="completion",model="lab-v2-small"}'),
      );
    expect(Number(line?.split(" ").at(-1))).toBe(mull.usage.completion_tokens);
  });
});
