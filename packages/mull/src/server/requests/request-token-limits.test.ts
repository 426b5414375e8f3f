import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import type { ProcessRewardModel, Strategy } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { checkRequestTokens, type RequestTokens } from "./request-token-limits.ts";

const served: ServedModel = {
  name: "qwen",
  upstream: "vllm",
  backend: undefined as unknown as ServedModel["backend"],
  kind: "openai-compatible",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
};

/** A plain request of `n` choices with a 100-token prompt and max_tokens 100. */
function plain(n: number, extra: Partial<RequestTokens> = {}): RequestTokens {
  return {
    strategy: undefined,
    samples: n,
    n,
    estimatedPromptTokens: 100,
    maxTokens: 100,
    served,
    maxRequestTokens: 400,
    clientMaxTotalTokens: undefined,
    param: "max_tokens",
    ...extra,
  };
}

/**
 * A search whose own calls may spend 1000 tokens and which may have `steps` steps judged, each on a path of
 * up to 40 steps and max_tokens tokens.
 */
function judgedSearch(steps: number): Strategy {
  return {
    name: "pf@2",
    parameters: {},
    samples: 2,
    worstCaseTokens: () => 1_000,
    judgedSteps: (request) => ({
      steps,
      each: { promptTokens: request.promptTokens, pathTokens: request.maxTokens, pathSteps: 40 },
    }),
    run: async () => ({ answer: undefined, best: undefined, candidates: [], stoppedBy: "complete" }),
  };
}

describe("checkRequestTokens", () => {
  it("accepts a worst case exactly at the per-request cap and refuses one token more", () => {
    // 2 × (100 + 100) = 400: the cap itself.
    expect(checkRequestTokens(plain(2))).toEqual({
      tokens: 400,
      reckoning: "2 samples × (about 100 prompt + 100 max_tokens)",
    });
    // 2 × (100 + 101) = 402.
    let refusal: unknown;
    try {
      checkRequestTokens(plain(2, { maxTokens: 101 }));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 400, param: "max_tokens", code: "budget_exceeded" });
    expect((refusal as ApiError).message).toMatch(
      /^this request may use up to 402 tokens \(2 samples × \(about 100 prompt \+ 101 max_tokens\)\), over the server's per-request cap of 400 tokens/,
    );
  });

  it("lets a client budget under the cap bound a request whose worst case is over it", () => {
    // 3 × 200 = 600 is over 400, but the client allows 350.
    expect(checkRequestTokens(plain(3, { clientMaxTotalTokens: 350 }))).toEqual({
      tokens: 350,
      reckoning: "the request's mull.budget.max_total_tokens",
    });
  });

  it("adds a step judge's worst case for each step a search may have judged, and states it", () => {
    const search = judgedSearch(80);
    const judge: ProcessRewardModel = {
      name: "step-judge:qwen",
      score: async () => ({ results: [], calls: 0 }),
      worstCaseTokens: (step) => 10 + step.promptTokens + step.pathTokens + step.pathSteps,
    };
    const request = plain(2, { strategy: search, maxRequestTokens: 100_000, param: "model" });
    const each = 10 + 100 + 100 + 40;
    expect(checkRequestTokens({ ...request, prm: judge })).toEqual({
      tokens: 1_000 + 80 * each,
      reckoning: `the worst case of strategy pf@2, whose calls re-read what it wrote, for about 100 prompt tokens and max_tokens 100 + 80 steps judged × ${each} tokens (process reward model step-judge:qwen reads the question and a path of up to 40 steps and 100 tokens, and writes its verdict)`,
    });
    // No PRM, or one that calls no model, adds nothing.
    expect(checkRequestTokens(request).tokens).toBe(1_000);
    const { worstCaseTokens: _, ...checker } = judge;
    expect(checkRequestTokens({ ...request, prm: checker }).tokens).toBe(1_000);
    // Over the cap, the refusal states the step judge's part.
    expect(() =>
      checkRequestTokens({ ...request, prm: judge, maxRequestTokens: 1_000 + 80 * each - 1 }),
    ).toThrow(
      `this request may use up to ${1_000 + 80 * each} tokens (the worst case of strategy pf@2, whose calls re-read what it wrote, for about 100 prompt tokens and max_tokens 100 + 80 steps judged × ${each} tokens (process reward model step-judge:qwen`,
    );
  });

  it("rounds a step judge's fractional worst case up for each step, not once over all of them", () => {
    const judge: ProcessRewardModel = {
      name: "step-judge:qwen",
      score: async () => ({ results: [], calls: 0 }),
      worstCaseTokens: () => 10.5,
    };
    const request = plain(2, { strategy: judgedSearch(3), maxRequestTokens: 100_000, param: "model" });
    // 3 × ⌈10.5⌉ = 33, where ⌈3 × 10.5⌉ would be 32.
    expect(checkRequestTokens({ ...request, prm: judge }).tokens).toBe(1_000 + 33);
  });
});
