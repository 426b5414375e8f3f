import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { labProcessReward } from "../../lab/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { parseServerConfig } from "../config/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { planRequest } from "./plan-request.ts";

const config = parseServerConfig({
  limits: { maxSamples: 64, maxTokens: 200, defaultMaxTokens: 100, maxRequestTokens: 30_000 },
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
});
const served: ServedModel = {
  name: "m",
  upstream: "up",
  backend: createScriptedBackend({ answers: { distribution: { "4": 1 } } }),
  kind: "other",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
  prm: labProcessReward(),
};
const models = new Map([["m", served]]);
const messages = [{ role: "user" as const, content: "2+2=?" }];

describe("planRequest", () => {
  it("sizes a search by its particles, beams or proposals", () => {
    const samples = (model: string) =>
      planRequest("chat", { model, messages, temperature: 1 }, models, config.limits).samples;
    expect(samples("pf@16:m")).toBe(16);
    expect(samples("beam@8x2:m")).toBe(8);
    expect(samples("beam-la1@8x2:m")).toBe(8);
    expect(samples("astar@4:m")).toBe(4);
    expect(samples("tot-bfs@3x5:m")).toBe(15);
    expect(samples("mcts@32:m")).toBe(32);
  });

  it("binds the per-request token cap at run time too, where a search or a judge may pass the estimate", () => {
    const plain = planRequest("chat", { model: "pf@4:m", messages }, models, config.limits);
    expect(plain.budget.maxTotalTokens).toBe(30_000);
    const tighter = planRequest(
      "chat",
      { model: "pf@4:m", messages, mull: { budget: { max_total_tokens: 5_000 } } },
      models,
      config.limits,
    );
    expect(tighter.budget.maxTotalTokens).toBe(5_000);
    const looser = planRequest(
      "chat",
      { model: "pf@4:m", messages, mull: { budget: { max_total_tokens: 90_000 } } },
      models,
      config.limits,
    );
    expect(looser.budget.maxTotalTokens).toBe(30_000);
  });
});
