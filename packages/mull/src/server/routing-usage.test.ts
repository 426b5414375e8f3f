import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

// A cascade over two upstreams, each serving one lab model: the small one splits its votes between a right
// and a wrong chain, so the cascade escalates to the large one, which always answers right. Both upstreams
// call their model `fake-model`: the usage per model must still keep the served models apart.

const question = "12+7-3=?";
const right = "\n12+7=19\n19-3=16\n#### 16";
const wrong = "\n12+7=19\n19-3=15\n#### 15";
const smallUsage = { promptTokens: 3, completionTokens: 7 };
const largeUsage = { promptTokens: 5, completionTokens: 11 };
let small: FakeOpenAIServer;
let large: FakeOpenAIServer;
let assembled: AssembledServer;

beforeAll(async () => {
  let drawn = 0;
  small = await startFakeOpenAIServer({
    handler: (request) => ({
      choices: Array.from({ length: request.n }, () => {
        drawn += 1;
        return drawn % 2 === 0 ? right : wrong;
      }),
      usage: smallUsage,
    }),
  });
  large = await startFakeOpenAIServer({
    handler: (request) => ({ choices: Array.from({ length: request.n }, () => right), usage: largeUsage }),
  });
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

/** A sample's value in the Prometheus text, by metric name and labels written as in the exposition. */
function sample(text: string, metric: string, labels: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

interface Counts {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  calls: number;
}

/**
 * Completions an upstream answered for the strategy (the lab models' prompts are text completions; the
 * HTTP backend's one-token chat call that probes `n` is not a sample).
 */
function generations(server: FakeOpenAIServer): number {
  return server.requests.filter((request) => request.endpoint === "completions").length;
}

describe("usage per model of a routing strategy", () => {
  it("reports each served model's tokens in the mull object and in mull_tokens_total", async () => {
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "cascade@4:lab-v2-small>lab-v2-large",
        messages: [{ role: "user", content: question }],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      mull: { answer: string; notes: string[]; usage: Counts; usage_by_model: Record<string, Counts> };
    };
    const { mull } = body;
    expect(mull.answer).toBe("16");
    expect(mull.notes.join("\n")).toMatch(/lab-v2-small agreement .* escalating to lab-v2-large/);

    const byModel = mull.usage_by_model;
    expect(Object.keys(byModel).sort()).toEqual(["lab-v2-large", "lab-v2-small"]);
    const smallCounts = byModel["lab-v2-small"];
    const largeCounts = byModel["lab-v2-large"];
    if (smallCounts === undefined || largeCounts === undefined) throw new Error("a model is missing");
    // Each model's figures are what its own upstream reported, request by request.
    expect(smallCounts.prompt_tokens).toBe(smallUsage.promptTokens * generations(small));
    expect(smallCounts.completion_tokens).toBe(smallUsage.completionTokens * generations(small));
    expect(largeCounts.completion_tokens).toBe(largeUsage.completionTokens * generations(large));
    expect(largeCounts.calls).toBeGreaterThan(0);
    // The models' figures add up to the request's.
    for (const field of ["prompt_tokens", "completion_tokens", "total_tokens", "calls"] as const) {
      expect(smallCounts[field] + largeCounts[field]).toBe(mull.usage[field]);
    }

    const metrics = await (await assembled.server.app.request("/metrics")).text();
    expect(
      sample(metrics, "mull_tokens_total", 'upstream="small-http",kind="completion",model="lab-v2-small"'),
    ).toBe(smallCounts.completion_tokens);
    expect(
      sample(metrics, "mull_tokens_total", 'upstream="large-http",kind="completion",model="lab-v2-large"'),
    ).toBe(largeCounts.completion_tokens);
    expect(
      sample(metrics, "mull_tokens_total", 'upstream="large-http",kind="prompt",model="lab-v2-large"'),
    ).toBe(largeCounts.prompt_tokens);
  });
});
