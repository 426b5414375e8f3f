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

  it("takes an architecture as a model prefix or mull.strategy, sized by every generation it plans", () => {
    const plan = planRequest(
      "chat",
      { model: "gen@4+test+rank-prm@2+critique+fuse@1:m", messages },
      models,
      config.limits,
    );
    expect(plan.strategy?.name).toBe("gen@4+test+rank-prm@2+critique+fuse@1");
    expect(plan.samples).toBe(7);
    const named = planRequest(
      "chat",
      { model: "m", messages, mull: { strategy: "GEN@3+test+first" } },
      models,
      config.limits,
    );
    expect(named.strategy?.name).toBe("gen@3+test+first");
    // The served model has no outcome scorer: a verify layer is refused, naming the strategy and the model.
    expect(() => planRequest("chat", { model: "gen@4+verify:m", messages }, models, config.limits)).toThrow(
      'strategy "gen@4+verify" needs an outcome scorer, and model "m" has none configured',
    );
    expect(() => planRequest("chat", { model: "gen@4+sort:m", messages }, models, config.limits)).toThrow(
      'layer 2 is "sort", which is no layer form',
    );
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
