import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { labProcessReward } from "../../lab/index.ts";
import { judgeProcessReward } from "../../process-rewards/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { planRequest } from "./plan-request.ts";

const config = parseServerConfig({
  limits: { maxSamples: 64, maxTokens: 200, defaultMaxTokens: 100, maxRequestTokens: 1_000_000 },
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
});
const backend = createScriptedBackend({ answers: { distribution: { "4": 1 } } });
const prm = judgeProcessReward({ backend });
const served: ServedModel = {
  name: "m",
  upstream: "up",
  backend,
  kind: "other",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
  prm,
};
const judging = new Map([["m", served]]);
const messages = [{ role: "user" as const, content: "2+2=?" }];
// About 2 prompt tokens ("2+2=?") at 4 characters a token; each judged step on a path of up to 40 steps
// (a solution's reckoned steps) and 48 tokens (max_tokens).
const each =
  prm.worstCaseTokens?.({ promptTokens: 2, pathTokens: 48, pathSteps: 40, charactersPerToken: 4 }) ?? 0;

function refusal(plan: () => unknown): ApiError {
  try {
    plan();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

const plan = (
  model: string,
  limits = config.limits,
  models = judging,
  budget?: { max_total_tokens: number },
) =>
  planRequest(
    "chat",
    {
      model,
      messages,
      max_tokens: 48,
      temperature: 1,
      ...(budget === undefined ? {} : { mull: { budget } }),
    },
    models,
    limits,
  );

describe("planRequest: an architecture whose test or rank-prm layer a step judge scores", () => {
  it("reserves a step judge's call for each step of each solution judged, says so, and holds its run to it", () => {
    expect(each).toBeGreaterThan(256 + 2 + 48);
    const tested = plan("gen@4+test+first:m");
    expect(tested.worstCaseTokens).toBe(4 * (2 + 48) + 4 * 40 * each);
    expect(tested.worstCaseReckoning).toBe(
      `4 samples × (about 2 prompt + 48 max_tokens) + 160 steps judged × ${each} tokens (process reward model step-judge:scripted reads the question and a path of up to 40 steps and 48 tokens, and writes its verdict)`,
    );
    expect(tested.budget.maxTotalTokens).toBe(tested.worstCaseTokens);
    // rank-prm@2 judges the 4 samples, a later test reuses their scores: 4 solutions judged, not 6.
    expect(plan("gen@4+rank-prm@2+test+first:m").worstCaseTokens).toBe(4 * (2 + 48) + 4 * 40 * each);
    // A second generation adds solutions to judge: 3 + 2.
    expect(plan("gen@3+test+gen@2+rank-prm@1+first:m").worstCaseTokens).toBe(5 * (2 + 48) + 5 * 40 * each);
  });

  it("adds nothing, and holds nothing more, for a PRM that calls no model or an architecture without those layers", () => {
    const checked = new Map([["m", { ...served, prm: labProcessReward() }]]);
    expect(plan("gen@4+test+first:m", config.limits, checked).worstCaseTokens).toBe(4 * (2 + 48));
    const voted = plan("gen@4+vote:m");
    expect(voted.worstCaseTokens).toBe(4 * (2 + 48));
    expect(voted.budget.maxTotalTokens).toBe(1_000_000);
  });

  it("refuses an architecture whose step judge's calls pass the per-request cap", () => {
    const limits = { ...config.limits, maxRequestTokens: 4 * (2 + 48) + 160 * each - 1 };
    const error = refusal(() => plan("gen@4+test+first:m", limits));
    expect(error.code).toBe("budget_exceeded");
    expect(error.param).toBe("model");
    expect(error.message).toContain(`may use up to ${4 * (2 + 48) + 160 * each} tokens`);
    expect(error.message).toContain("+ 160 steps judged");
    // A client budget below the cap lets it run: it is what is reserved, and what the run is held to.
    const bounded = plan("gen@4+test+first:m", limits, judging, { max_total_tokens: 2_000 });
    expect(bounded.worstCaseTokens).toBe(2_000);
    expect(bounded.budget.maxTotalTokens).toBe(2_000);
  });

  it("counts what a fuse re-reads, and holds such a run to it", () => {
    const fused = plan("gen@4+rank-prm@2+critique+fuse@1+first:m");
    // More than its 7 solutions' worth: the fuse reads 2 candidates and their critiques of up to 512 tokens.
    expect(fused.worstCaseTokens).toBeGreaterThan(7 * (2 + 48) + 4 * 40 * each + 2 * 512);
    expect(fused.worstCaseReckoning).toContain(
      "the worst case of strategy gen@4+rank-prm@2+critique+fuse@1+first, whose calls re-read what it wrote",
    );
    expect(fused.budget.maxTotalTokens).toBe(fused.worstCaseTokens);
  });
});

describe("an architecture with a step judge through the server", () => {
  const key = "sk-architecture";
  const scripted = createScriptedBackend({ answers: { distribution: { "4": 1 } } });
  const judge = createScriptedBackend({ responses: ["YES"] });
  const stepJudge = judgeProcessReward({ backend: judge });
  const perStep =
    stepJudge.worstCaseTokens?.({ promptTokens: 2, pathTokens: 48, pathSteps: 40, charactersPerToken: 4 }) ??
    0;
  const server = createServer({
    config: parseServerConfig({
      server: { logLevel: "silent" },
      limits: {
        maxSamples: 64,
        maxTokens: 200,
        defaultMaxTokens: 100,
        // Room for the samples, not for every step the judge may be asked about.
        maxRequestTokens: 4 * (2 + 48) + 160 * perStep - 1,
      },
      upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
    }),
    models: [{ ...served, backend: scripted, prm: stepJudge }],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
  });

  it("refuses it before any call when its judged steps pass the cap", async () => {
    const response = await server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "gen@4+test+first:m", messages, max_tokens: 48, temperature: 1 }),
    });
    const body = await response.json();
    expect(response.status).toBe(400);
    expect(body.error.code).toBe("budget_exceeded");
    expect(scripted.calls.length).toBe(0);
    expect(judge.calls.length).toBe(0);
  });
});
