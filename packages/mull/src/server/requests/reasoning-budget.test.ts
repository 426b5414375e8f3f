import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { planReasoningBudget, type ReasoningBudgetOptions } from "./reasoning-budget.ts";

const served: ServedModel = {
  name: "m",
  upstream: "up",
  backend: createScriptedBackend({ answers: { distribution: { "42": 1 } } }),
  kind: "openai-compatible",
  profile: defaultModelProfile,
  contextWindow: undefined,
  scorer: undefined,
};
const options: ReasoningBudgetOptions = {
  tokens: 60,
  param: "mull.reasoning_budget",
  served,
  strategy: undefined,
  maxTokens: 50,
  choices: 1,
  tools: false,
  passedFields: [],
};

describe("planReasoningBudget", () => {
  it("names the field the client bounded its completion with when the budget does not fit in it", () => {
    const message = (maxTokensParam: ReasoningBudgetOptions["maxTokensParam"]) => {
      try {
        planReasoningBudget({ ...options, maxTokensParam });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("expected the budget to be refused");
    };
    expect(message("max_completion_tokens")).toBe(
      "mull.reasoning_budget (thinking.budget_tokens on /v1/messages) must be less than max_completion_tokens (50), which bounds the thinking and the answer together; got 60",
    );
    expect(message("max_tokens")).toMatch(/must be less than max_tokens \(50\), which bounds/);
    expect(message(undefined)).toMatch(
      /must be less than max_tokens \(50, the default where the request gives none\), which bounds/,
    );
  });

  it("keeps a budget below the limit by budget forcing where the upstream does not keep one", () => {
    const plan = planReasoningBudget({ ...options, tokens: 20, maxTokensParam: "max_completion_tokens" });
    expect(plan.reasoningBudget).toMatchObject({ tokens: 20, by: "mull" });
    expect(plan.strategy?.name).toBe("force@20");
  });

  it("answers after the model's own answer cue, not the default one", () => {
    const thinkingCues = { answerCue: "\nANSWER:", continueCue: "\nWait," };
    const cued = { ...served, profile: { ...defaultModelProfile, thinkingCues } };
    const plan = planReasoningBudget({ ...options, tokens: 10, served: cued });
    expect(plan.reasoningBudget).toMatchObject({ tokens: 10, by: "mull", answerCue: "\nANSWER:" });
  });
});
