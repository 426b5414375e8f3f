import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { labOutcomeChecker, labProcessReward } from "../../lab/index.ts";
import { judgeProcessReward } from "../../process-rewards/index.ts";
import { llmJudgeScorer } from "../../scoring/index.ts";
import type { ProcessRewardModel } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import { ApiError } from "../http/index.ts";
import { planRequest } from "./plan-request.ts";
import { plannedModel, planningConfig } from "./planning.test-support.ts";

const config = planningConfig;
const served = plannedModel({ prm: labProcessReward() });
const models = new Map([["m", served]]);
const messages = [{ role: "user" as const, content: "2+2=?" }];

describe("planRequest", () => {
  it("sizes a search by its particles, beams or proposals", () => {
    const samples = (model: string) =>
      planRequest("chat", { model, messages, temperature: 1, max_tokens: 20 }, models, config.limits).samples;
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

  it("binds the per-request token cap at run time too, and a search's run to its worst case", () => {
    // 4 particles × 40 steps × (about 2 prompt + 100 max_tokens + 11 for 41 newlines at 4 characters a token).
    const plain = planRequest("chat", { model: "pf@4:m", messages }, models, config.limits);
    expect(plain.worstCaseTokens).toBe(4 * 40 * (2 + 100 + 11));
    expect(plain.budget.maxTotalTokens).toBe(4 * 40 * (2 + 100 + 11));
    const sampled = planRequest("chat", { model: "sc@4:m", messages }, models, config.limits);
    expect(sampled.budget.maxTotalTokens).toBe(30_000);
    const tighter = planRequest(
      "chat",
      { model: "pf@4:m", messages, mull: { budget: { max_total_tokens: 5_000 } } },
      models,
      config.limits,
    );
    expect(tighter.budget.maxTotalTokens).toBe(5_000);
    const looser = planRequest(
      "chat",
      { model: "sc@4:m", messages, mull: { budget: { max_total_tokens: 90_000 } } },
      models,
      config.limits,
    );
    expect(looser.budget.maxTotalTokens).toBe(30_000);
  });

  it("holds particle Gibbs to the sample cap over all its sweeps, not one", () => {
    const budget = { max_total_tokens: 10_000 };
    const plan = (model: string) =>
      planRequest("chat", { model, messages, temperature: 1, mull: { budget } }, models, config.limits);
    expect(plan("pg@16x4:m").samples).toBe(64);
    expect(plan("pg@64x1:m").samples).toBe(64);
    for (const model of ["pg@16x5:m", "pg@64x40:m"]) {
      const error = refusal(() => plan(model));
      expect(error.status).toBe(400);
      expect(error.param).toBe("model");
      expect(error.message).toMatch(/draws (80|2560) samples; the server's cap \(limits\.maxSamples\) is 64/);
    }
  });

  it("counts every extension call of extend@MwE, each re-reading its trace, against the token cap", () => {
    // About 2 prompt tokens ("2+2=?"), the default continue cue "\nWait" (at most 5 tokens): E + 1 thinking
    // calls read 2, then 2 + 200 + 5k tokens for k = 1…E, and the trace writes at most 200.
    const under = planRequest(
      "chat",
      { model: "extend@250w3:m", messages, max_tokens: 200 },
      models,
      config.limits,
    );
    expect(under.worstCaseTokens).toBe(4 * 2 + 3 * 200 + 5 * 6 + 200);
    const error = refusal(() =>
      planRequest("chat", { model: "extend@250w3000:m", messages, max_tokens: 200 }, models, config.limits),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe("budget_exceeded");
    expect(error.param).toBe("model");
    expect(error.message).toMatch(
      /may use up to 23113702 tokens \(the worst case of strategy extend@250w3000, whose calls re-read what it wrote, for about 2 prompt tokens and max_tokens 200\), over the server's per-request cap of 30000 tokens \(limits\.maxRequestTokens\)/,
    );
    // A client budget below the cap still lets it run, bounded at run time.
    const bounded = planRequest(
      "chat",
      {
        model: "extend@250w3000:m",
        messages,
        max_tokens: 200,
        mull: { budget: { max_total_tokens: 20_000 } },
      },
      models,
      config.limits,
    );
    expect(bounded.worstCaseTokens).toBe(20_000);
  });

  it("counts every probe of probe@NkK and every model of a cascade against the token cap", () => {
    const plan = (model: string) =>
      planRequest("chat", { model, messages, max_tokens: 64, temperature: 1 }, models, config.limits);
    // Thinking limit 64 − 32 = 32: 4 rounds of a chunk (2 + 8(r − 1) read, 8 written) and a probe (2 + 8r
    // read with the 16-byte answer cue, 32 written), for each of 2 traces.
    expect(plan("probe@2k8:m").worstCaseTokens).toBe(2 * (4 * (2 * 2 + 16 + 32) + 8 * 4 * 5));
    expect(() => plan("probe@64k1:m")).toThrow(/limits\.maxRequestTokens/);
    const route = new Map([...models, ["n", { ...served, name: "n" }]]);
    const cascade = planRequest(
      "chat",
      { model: "cascade@8x16:m>n", messages, max_tokens: 64, temperature: 1 },
      route,
      config.limits,
    );
    expect(cascade.worstCaseTokens).toBe((8 + 16) * (2 + 64));
  });

  it("refuses a thinking budget given twice, in mull's field and an upstream's, whoever keeps it", () => {
    const budgeted = (fields: Record<string, unknown>) => ({
      model: "m",
      messages,
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
      unknownFields: fields,
    });
    // An upstream that keeps budgets itself, one that does not (mull keeps it), and a model in this server.
    const upstream = { ...served, kind: "openai-compatible" as const };
    const vllm = new Map([["m", { ...upstream, reasoningBudgetField: "thinking_token_budget" }]]);
    const plain = new Map([["m", upstream]]);
    for (const [field, served] of [
      ["thinking_token_budget", plain],
      ["reasoning_budget_tokens", plain],
      ["thinking_budget_tokens", vllm],
      ["thinking_token_budget", vllm],
      ["thinking_token_budget", models],
    ] as const) {
      const error = refusal(() => planRequest("chat", budgeted({ [field]: 20 }), served, config.limits));
      expect(error.status).toBe(400);
      expect(error.param).toBe(field);
      expect(error.message).toBe(
        `${field} and mull.reasoning_budget (thinking.budget_tokens on /v1/messages) both set the thinking budget of model m; give it once`,
      );
    }
    // A null is read as absent, and other fields go on as they are.
    const plan = planRequest(
      "chat",
      budgeted({ thinking_token_budget: null, reasoning_effort: "low" }),
      plain,
      config.limits,
    );
    expect(plan.strategy?.name).toBe("force@50");
    expect(plan.extraBody).toEqual({ reasoning_effort: "low" });
  });

  it("clamps the default max_tokens to what the context window leaves, and refuses an explicit one over it", () => {
    const limits = parseServerConfig({
      limits: { defaultMaxTokens: 2048 },
      upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
    }).limits;
    const small = new Map([["m", { ...served, kind: "embedded" as const, contextWindow: 256 }]]);
    // "2+2=?" is about 2 tokens: 254 are left for the completion.
    expect(planRequest("chat", { model: "m", messages }, small, limits).maxTokens).toBe(254);
    expect(planRequest("chat", { model: "m", messages, max_tokens: 100 }, small, limits).maxTokens).toBe(100);
    expect(planRequest("chat", { model: "m", messages }, models, limits).maxTokens).toBe(2048);
    const over = refusal(() =>
      planRequest("chat", { model: "m", messages, max_tokens: 1000 }, small, limits),
    );
    expect(over.status).toBe(400);
    expect(over.code).toBe("context_length_exceeded");
    expect(over.message).toBe(
      "the prompt (about 2 tokens) plus max_tokens (1000) is 1002 tokens, over the context window of 256 tokens of model m",
    );
    const long = [{ role: "user" as const, content: "x".repeat(1100) }];
    const full = refusal(() => planRequest("chat", { model: "m", messages: long }, small, limits));
    expect(full.code).toBe("context_length_exceeded");
    expect(full.message).toBe(
      "the prompt (about 275 tokens) fills the context window of 256 tokens of model m, leaving no room for a completion",
    );
  });

  it("refuses a prompt counted at exactly the context window rather than plan max_tokens 0, and plans 1 for one token less", () => {
    const limits = parseServerConfig({
      limits: { defaultMaxTokens: 2048 },
      upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
    }).limits;
    const small = new Map([["m", { ...served, kind: "embedded" as const, contextWindow: 256 }]]);
    const full = refusal(() =>
      planRequest("chat", { model: "m", messages }, small, limits, { promptTokens: 256 }),
    );
    expect(full.code).toBe("context_length_exceeded");
    expect(full.message).toContain("fills the context window of 256 tokens");
    // 256 − 255 leaves one token: room for a completion of one.
    expect(
      planRequest("chat", { model: "m", messages }, small, limits, { promptTokens: 255 }).maxTokens,
    ).toBe(1);
  });
});

/** A PRM that says nothing: every step gets the same reward. */
const indifferent: ProcessRewardModel = {
  name: "indifferent",
  score: async (_problem, solutions) => ({
    results: solutions.map((steps) => ({ rewards: steps.map(() => 0.5) })),
    calls: 0,
  }),
};

describe("planRequest through the server", () => {
  const key = "sk-caps";
  const scripted = createScriptedBackend({ answers: { distribution: { "4": 1 } } });
  const server = createServer({
    config: parseServerConfig({
      server: { logLevel: "silent" },
      limits: { maxSamples: 64, maxTokens: 200, defaultMaxTokens: 100, maxRequestTokens: 30_000 },
      upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
    }),
    models: [{ ...served, backend: scripted, prm: indifferent }],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
  });
  const post = async (body: Record<string, unknown>) => {
    const before = scripted.calls.length;
    const response = await server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ messages, temperature: 1, seed: 3, ...body }),
    });
    return { status: response.status, body: await response.json(), calls: scripted.calls.length - before };
  };

  it("refuses particle Gibbs over the sample cap before any call, and runs it under", async () => {
    const over = await post({ model: "pg@64x40:m" });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toMatch(
      /draws 2560 samples; the server's cap \(limits\.maxSamples\) is 64/,
    );
    expect(over.calls).toBe(0);
    const under = await post({ model: "pg@2x2:m", max_tokens: 50 });
    expect(under.status).toBe(200);
    expect(under.body.mull.strategy).toBe("pg@2x2");
    expect(under.calls).toBeGreaterThan(0);
  });

  it("refuses extend@MwE over the token cap before any call, and runs it under", async () => {
    const over = await post({ model: "extend@250w3000:m", max_tokens: 200 });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe("budget_exceeded");
    expect(over.calls).toBe(0);
    const under = await post({ model: "extend@250w3:m", max_tokens: 200 });
    expect(under.status).toBe(200);
    expect(under.body.mull.strategy).toBe("extend@250w3");
    // The trace ends well before 250 tokens each time: the first call and its 3 extensions.
    expect(under.calls).toBe(4);
  });
});

describe("planRequest: a thinking budget over the completion's bound", () => {
  it("names the field the client gave the bound in", () => {
    const refused = (fields: object) =>
      refusal(() =>
        planRequest(
          "chat",
          { model: "m", messages, mull: { reasoning_budget: 60 }, ...fields },
          models,
          config.limits,
        ),
      );
    const completion = refused({ max_completion_tokens: 50 });
    expect(completion.param).toBe("mull.reasoning_budget");
    expect(completion.message).toMatch(/must be less than max_completion_tokens \(50\)/);
    expect(refused({ max_tokens: 50 }).message).toMatch(/must be less than max_tokens \(50\)/);
    // With no bound given, the server's default (limits.defaultMaxTokens, 100) is the bound, and said so.
    expect(
      refusal(() =>
        planRequest("chat", { model: "m", messages, mull: { reasoning_budget: 120 } }, models, config.limits),
      ).message,
    ).toMatch(/must be less than max_tokens \(100, the default where the request gives none\)/);
  });

  it("names max_completion_tokens in the context window and token cap refusals where the client sent it", () => {
    const small = new Map([["m", { ...served, kind: "embedded" as const, contextWindow: 64 }]]);
    const window = refusal(() =>
      planRequest("chat", { model: "m", messages, max_completion_tokens: 150 }, small, config.limits),
    );
    expect(window.message).toBe(
      "the prompt (about 2 tokens) plus max_completion_tokens (150) is 152 tokens, over the context window of 64 tokens of model m",
    );
    const capped = parseServerConfig({
      limits: { maxTokens: 200, maxRequestTokens: 500 },
      upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
    }).limits;
    const cap = refusal(() =>
      planRequest("chat", { model: "sc@8:m", messages, max_completion_tokens: 150 }, models, capped),
    );
    expect(cap.code).toBe("budget_exceeded");
    expect(cap.message).toContain("8 samples × (about 2 prompt + 150 max_completion_tokens)");
    expect(cap.message).toContain("lower n, the strategy's N or max_completion_tokens");
    // A client that sent max_tokens is told max_tokens.
    expect(
      refusal(() => planRequest("chat", { model: "sc@8:m", messages, max_tokens: 150 }, models, capped))
        .message,
    ).toContain("8 samples × (about 2 prompt + 150 max_tokens)");
  });
});

function refusal(plan: () => unknown): ApiError {
  try {
    plan();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

describe("planRequest: mull.answer_format", () => {
  const plan = (answerFormat: string) => () =>
    planRequest(
      "chat",
      { model: "m", messages, mull: { answer_format: answerFormat } },
      models,
      config.limits,
    );

  it("takes a named format", () => {
    expect(plan("numeric")().answerFormat.name).toContain("numeric");
  });

  it("names the formats it takes and the name given, a long one by its length only", () => {
    const short = refusal(plan("boxed"));
    expect(short.param).toBe("mull.answer_format");
    expect(short.message).toBe(
      'mull.answer_format must be one of auto, numeric, math, date, choice, exact, text, got "boxed"',
    );
    const pasted = refusal(plan("sk-proj-SECRETSECRETSECRET"));
    expect(pasted.message).toBe(
      "mull.answer_format must be one of auto, numeric, math, date, choice, exact, text, got a string of 26 characters",
    );
  });
});

describe("planRequest: a strategy scored by an LLM judge", () => {
  const judge = llmJudgeScorer({ backend: served.backend });
  const judged = new Map([["m", { ...served, scorer: judge }]]);
  // "2+2=?" is about 2 tokens at the default 4 characters a token.
  const each = judge.worstCaseTokens?.({ promptTokens: 2, maxTokens: 48, charactersPerToken: 4 }) ?? 0;
  const plan = (model: string, limits = config.limits) =>
    planRequest("chat", { model, messages, max_tokens: 48, temperature: 1 }, judged, limits);

  it("reserves a judge call per sample on top of the samples, and says so", () => {
    expect(each).toBeGreaterThan(512 + 2 + 48);
    const bon = plan("bon@4:m");
    expect(bon.worstCaseTokens).toBe(4 * (2 + 48) + 4 * each);
    expect(bon.worstCaseReckoning).toBe(
      `4 samples × (about 2 prompt + 48 max_tokens) + 4 judge calls × ${each} tokens (scorer judge:scripted reads the question and a sample, and writes its verdict)`,
    );
    for (const model of ["wv@4:m", "accept@4:m", "gen@4+verify+vote:m", "asc(bon@4):m"]) {
      expect(plan(model).worstCaseTokens, model).toBe(4 * (2 + 48) + 4 * each);
    }
  });

  it("adds nothing for a strategy that does not score with it, or a scorer that calls no model", () => {
    expect(plan("sc@4:m").worstCaseTokens).toBe(4 * (2 + 48));
    expect(plan("sc@4:m").worstCaseReckoning).toBe("4 samples × (about 2 prompt + 48 max_tokens)");
    const checked = new Map([["m", { ...served, scorer: labOutcomeChecker() }]]);
    expect(
      planRequest("chat", { model: "bon@4:m", messages, max_tokens: 48 }, checked, config.limits)
        .worstCaseTokens,
    ).toBe(4 * (2 + 48));
  });

  it("refuses a judged request over the per-request cap, stating the judge's part", () => {
    const limits = { ...config.limits, maxRequestTokens: 4 * (2 + 48) + 4 * each - 1 };
    const error = refusal(() => plan("bon@4:m", limits));
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toContain(
      `may use up to ${4 * (2 + 48) + 4 * each} tokens (4 samples × (about 2 prompt + 48 max_tokens) + 4 judge calls × ${each} tokens`,
    );
    // A client budget below the cap lets it run, and is what is reserved.
    const bounded = planRequest(
      "chat",
      { model: "bon@4:m", messages, max_tokens: 48, mull: { budget: { max_total_tokens: 1_000 } } },
      judged,
      limits,
    );
    expect(bounded.worstCaseTokens).toBe(1_000);
    expect(bounded.worstCaseReckoning).toBe("the request's mull.budget.max_total_tokens");
  });
});

describe("planRequest: a step-level search judged by an LLM step judge", () => {
  const prm = judgeProcessReward({ backend: served.backend });
  const judging = new Map([["m", { ...served, prm }]]);
  // About 2 prompt tokens ("2+2=?") at 4 characters a token; a path of up to 40 steps and 48 tokens.
  const each =
    prm.worstCaseTokens?.({ promptTokens: 2, pathTokens: 48, pathSteps: 40, charactersPerToken: 4 }) ?? 0;
  // Each step call reads the prompt and a path of up to 48 tokens, with 41 newlines (11 tokens).
  const call = 2 + 48 + 11;
  const roomy = { ...config.limits, maxRequestTokens: 1_000_000 };
  const plan = (model: string, limits = roomy, budget?: { max_total_tokens: number }) =>
    planRequest(
      "chat",
      {
        model,
        messages,
        max_tokens: 48,
        temperature: 1,
        ...(budget === undefined ? {} : { mull: { budget } }),
      },
      judging,
      limits,
    );

  it("reserves a step judge's call for each step the search may write, says so, and holds its run to it", () => {
    expect(each).toBeGreaterThan(256 + 2 + 48);
    const pf = plan("pf@2:m");
    expect(pf.worstCaseTokens).toBe(2 * 40 * call + 80 * each);
    expect(pf.worstCaseReckoning).toBe(
      `the worst case of strategy pf@2, whose calls re-read what it wrote, for about 2 prompt tokens and max_tokens 48 + 80 steps judged × ${each} tokens (process reward model step-judge:scripted reads the question and a path of up to 40 steps and 48 tokens, and writes its verdict)`,
    );
    expect(pf.budget.maxTotalTokens).toBe(pf.worstCaseTokens);
    // Beam search: 4 candidates at each of 40 depths. MCTS: a step per simulation and a final rollout,
    // whose steps are counted as the 40 a path may have.
    expect(plan("beam@4x2:m").worstCaseTokens).toBe(4 * 40 * call + 160 * each);
    expect(plan("mcts@8:m").worstCaseTokens).toBe(9 * call + (8 + 40) * each);
  });

  it("adds nothing for a PRM that calls no model", () => {
    const checked = planRequest(
      "chat",
      { model: "pf@2:m", messages, max_tokens: 48, temperature: 1 },
      models,
      config.limits,
    );
    expect(checked.worstCaseTokens).toBe(2 * 40 * call);
    expect(checked.worstCaseReckoning).toBe(
      "the worst case of strategy pf@2, whose calls re-read what it wrote, for about 2 prompt tokens and max_tokens 48",
    );
  });

  it("refuses a search over the per-request cap, stating the step judge's part", () => {
    const limits = { ...roomy, maxRequestTokens: 2 * 40 * call + 80 * each - 1 };
    const error = refusal(() => plan("pf@2:m", limits));
    expect(error.code).toBe("budget_exceeded");
    expect(error.param).toBe("model");
    expect(error.message).toContain(
      `may use up to ${2 * 40 * call + 80 * each} tokens (the worst case of strategy pf@2, whose calls re-read what it wrote, for about 2 prompt tokens and max_tokens 48 + 80 steps judged × ${each} tokens`,
    );
    // A client budget below the cap lets it run: it is what is reserved, and what the run is held to.
    const bounded = plan("pf@2:m", limits, { max_total_tokens: 2_000 });
    expect(bounded.worstCaseTokens).toBe(2_000);
    expect(bounded.budget.maxTotalTokens).toBe(2_000);
  });
});
