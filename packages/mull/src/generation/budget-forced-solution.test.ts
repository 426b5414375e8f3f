import { describe, expect, it } from "vitest";
import type { BudgetLimits, Prompt } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { budgetForcedSolution } from "./budget-forced-solution.ts";

const prompt: Prompt = { kind: "text", text: "Q: What is three plus four? A:" };
const cues = { answerCue: "\nFinal answer: ", continueCue: "\nWait" };
const thinking = Array.from({ length: 60 }, (_, index) => `w${index}`).join(" ");

/** Thinks 60 word tokens unless made to answer, then answers `7`. */
function thinkingBackend() {
  return createScriptedBackend({
    respond: (request) =>
      request.prompt.kind === "text" && request.prompt.text.endsWith(cues.answerCue) ? "7" : thinking,
  });
}

async function forced(limits: BudgetLimits, answerTokens: number) {
  const backend = thinkingBackend();
  const context = testStrategyContext({ backend, limits });
  const solution = await budgetForcedSolution({
    context,
    prompt,
    maxThinkingTokens: 100,
    answerTokens,
    cues,
    requiredBy: "force@100",
  });
  return { backend, context, solution };
}

describe("budgetForcedSolution under a budget smaller than its thinking", () => {
  it("stops thinking where the budget keeps the answer's tokens free, then forces the answer within them", async () => {
    const { backend, context, solution } = await forced({ maxCompletionTokens: 30 }, 8);
    // 30 − 8 kept for the answer = 22 of the 100 asked.
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([22, 8]);
    expect(solution).toMatchObject({
      forced: true,
      thinkingTokens: 22,
      stoppedBy: "complete",
      candidate: { answer: "7", completionTokens: 23 },
    });
    expect(context.budget.spent().usage.completionTokens).toBe(23);
  });

  it("forces the answer under a total-token limit too, the thinking lowered by the prompt and the answer's tokens", async () => {
    const { backend, context, solution } = await forced({ maxTotalTokens: 70 }, 32);
    // The 30-character prompt is estimated at 8 tokens, and the answer reads it and the thinking again:
    // (70 − 2 × 8 − 32) / 2 = 11 of the 100 asked.
    expect(backend.calls.map((call) => call.request.maxTokens)[0]).toBe(11);
    expect(solution).toMatchObject({ forced: true, thinkingTokens: 11, candidate: { answer: "7" } });
    const spent = context.budget.spent().usage;
    expect((spent.promptTokens ?? 0) + (spent.completionTokens ?? 0)).toBeLessThanOrEqual(70);
  });
});
