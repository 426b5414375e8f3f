import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

// An upstream that names its model otherwise than the server serves it (llama.cpp's `llama-server`
// reports the path of its GGUF file): `/metrics` counts every token of the model under the served name,
// those of samples that finished (which carry the upstream's name) and of those cut part-way alike.

const key = "sk-served-name";
const reported = "/models/big-model.gguf";
let fake: FakeOpenAIServer;
let assembled: AssembledServer;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    model: reported,
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      // Early seeds answer at once; later ones write slowly, and are cut once the vote is decided.
      const seed = Number(request.body?.seed ?? 0) % 8;
      const filler = Array.from({ length: seed < 3 ? 2 : 40 }, () => "so").join(" ");
      return {
        choices: [`${filler} #### 42`],
        delivery: { tokenDelayMilliseconds: seed < 3 ? 0 : 5 },
      };
    },
  });
  assembled = await assembleServer(
    parseServerConfig({
      upstreams: [
        {
          name: "local",
          baseUrl: fake.url,
          models: ["big-model"],
          allowedNetworks: ["127.0.0.1/32"],
          maxRetries: 0,
          scorer: "none",
        },
      ],
    }),
    { apiKeys: [key], logger: pino({ level: "silent" }), clock: manualClock() },
  );
});

afterAll(async () => {
  await assembled?.dispose();
  await fake?.close();
});

/** The `mull_tokens_total` samples of `/metrics`, as `labels → value`. */
async function tokenSamples(): Promise<Map<string, number>> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    const match = /^mull_tokens_total\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

describe("a strategy request to an upstream that reports another model name", () => {
  it("counts the finished and the cut samples' tokens under the served name alone", async () => {
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: "pasc@8:big-model",
        messages: [{ role: "user", content: "What is six times seven? Answer after ####." }],
        max_tokens: 100,
        mull: { seed: 0 },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      usage: { completion_tokens: number; prompt_tokens?: number };
      mull: { usage_by_model?: unknown };
    };
    // One model generated: no split by model in the response either.
    expect(body.mull.usage_by_model).toBeUndefined();
    const samples = await tokenSamples();
    expect([...samples.keys()].some((labels) => labels.includes(reported))).toBe(false);
    expect(samples.get('upstream="local",kind="completion",model="big-model"')).toBe(
      body.usage.completion_tokens,
    );
  });
});
