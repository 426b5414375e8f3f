import { describe, expect, it } from "vitest";
import { reservedUsage, totalTokens } from "../budget/index.ts";
import type { BudgetLimits } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { generateRecorded } from "./generate-recorded.ts";

const prompt = { kind: "text", text: "Q: 6 × 7? A:" } as const;
const promptTokens = 5;
// Ten word tokens; every request takes 5 real milliseconds, so calls started together are in flight together.
const tenTokens = "a b c d e f g h i j";

function concurrentCalls(limits: BudgetLimits, count: number, maxTokens = 10) {
  const backend = createScriptedBackend({ responses: [tenTokens], delayMilliseconds: 5 });
  const context = testStrategyContext({ backend, limits, sampling: { maxTokens } });
  const calls = Promise.all(
    Array.from({ length: count }, () =>
      generateRecorded({ context, prompt, n: 1, plan: { calls: 1, completions: 1, promptTokens } }),
    ),
  );
  return { backend, context, calls };
}

describe("generateRecorded: calls made at once under one budget", () => {
  it("makes no more calls than maxCalls allows, though each was checked before any was charged", async () => {
    const { backend, context, calls } = concurrentCalls({ maxCalls: 2 }, 4);
    const results = await calls;
    expect(backend.calls).toHaveLength(2);
    expect(results.map((result) => result.stoppedBy)).toEqual(["complete", "complete", "calls", "calls"]);
    expect(context.budget.spent().usage.calls).toBe(2);
  });

  it("sizes each call by what the calls in flight may still spend, so together they stay within maxTotalTokens", async () => {
    const { backend, context, calls } = concurrentCalls({ maxTotalTokens: 40 }, 4);
    const results = await calls;
    // Each call holds its 5 prompt tokens and its 10 of maxTokens: the third gets the 5 left, the fourth none.
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([10, 10, 5]);
    expect(results.map((result) => result.stoppedBy)).toEqual(["complete", "complete", "tokens", "tokens"]);
    // The third, cut at the 5 the budget left it, is no sample.
    expect(results.map((result) => result.completions.length)).toEqual([1, 1, 0, 0]);
    expect(totalTokens(context.budget.spent().usage)).toBe(40);
  });

  it("holds generated tokens against maxCompletionTokens the same way", async () => {
    const { backend, context, calls } = concurrentCalls({ maxCompletionTokens: 25 }, 3);
    await calls;
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([10, 10, 5]);
    expect(context.budget.spent().usage.completionTokens).toBe(25);
  });

  it("releases what a call held when it fails, or when it is charged", async () => {
    let fail = true;
    const backend = createScriptedBackend({
      respond: () => {
        if (fail) throw new Error("upstream down");
        return "a b";
      },
    });
    const context = testStrategyContext({ backend, limits: { maxCalls: 1, maxTotalTokens: 20 } });
    const call = () =>
      generateRecorded({ context, prompt, n: 1, plan: { calls: 1, completions: 1, promptTokens } });
    await expect(call()).rejects.toThrow("upstream down");
    expect(reservedUsage(context.budget)).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
    fail = false;
    expect((await call()).stoppedBy).toBe("complete");
    expect(reservedUsage(context.budget)).toEqual({ promptTokens: 0, completionTokens: 0, calls: 0 });
    expect(context.budget.spent().usage).toEqual({ promptTokens, completionTokens: 2, calls: 1 });
  });

  it("caps a call at its budgetShare, and leaves out a completion that runs into it, as cut by the budget", async () => {
    const backend = createScriptedBackend({ responses: [tenTokens, "#### 42"] });
    const context = testStrategyContext({ backend, limits: { maxTotalTokens: 100 } });
    const share = { tokens: 4, limit: "tokens" } as const;
    const plan = { calls: 1, completions: 1, promptTokens };
    const cut = await generateRecorded({ context, prompt, n: 1, plan, budgetShare: share });
    expect(backend.calls[0]!.request.maxTokens).toBe(4);
    expect(cut).toMatchObject({ completions: [], stoppedBy: "tokens", returned: 1 });
    const fits = await generateRecorded({
      context,
      prompt,
      n: 1,
      plan,
      budgetShare: share,
      extractAnswers: true,
    });
    expect(fits.completions.map((completion) => completion.answer)).toEqual(["42"]);
    expect(fits.stoppedBy).toBe("complete");
  });
});
