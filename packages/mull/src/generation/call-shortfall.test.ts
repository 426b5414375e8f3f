import { describe, expect, it } from "vitest";
import { reserveBudget } from "../budget/index.ts";
import { testStrategyContext } from "../testing/index.ts";
import { callShortfall } from "./call-shortfall.ts";

describe("callShortfall", () => {
  it("affords a plan within the limits, and names the limit a plan would break", () => {
    const { budget } = testStrategyContext({ limits: { maxCalls: 2 } });
    expect(callShortfall(budget, { calls: 2, completions: 2 })).toBeUndefined();
    expect(callShortfall(budget, { calls: 3, completions: 3 })).toBe("calls");
  });

  it("plans a token at least for each completion", () => {
    const { budget } = testStrategyContext({ limits: { maxCompletionTokens: 10 } });
    expect(callShortfall(budget, { calls: 1, completions: 10 })).toBeUndefined();
    expect(callShortfall(budget, { calls: 1, completions: 11 })).toBe("completion-tokens");
    expect(callShortfall(budget, { calls: 1, completions: 11, completionTokensEach: 0 })).toBe(
      "completion-tokens",
    );
  });

  it("plans no more for each completion than the call's share", () => {
    const { budget } = testStrategyContext({ limits: { maxTotalTokens: 30 } });
    const plan = { calls: 1, completions: 2, promptTokens: 10, completionTokensEach: 12 };
    expect(callShortfall(budget, plan)).toBe("tokens");
    expect(callShortfall(budget, plan, { tokens: 10, limit: "tokens" })).toBeUndefined();
    // A share above the plan leaves it as it is.
    expect(callShortfall(budget, plan, { tokens: 50, limit: "tokens" })).toBe("tokens");
  });

  it("counts what the calls in flight hold as spent", () => {
    const { budget } = testStrategyContext({ limits: { maxTotalTokens: 30 } });
    const plan = { calls: 1, completions: 1, promptTokens: 5, completionTokensEach: 10 };
    expect(callShortfall(budget, plan)).toBeUndefined();
    reserveBudget(budget, { calls: 1, promptTokens: 5, completionTokens: 15 });
    expect(callShortfall(budget, plan)).toBe("tokens");
  });

  it("stops a call of a run already aborted", () => {
    const { budget } = testStrategyContext({ signal: AbortSignal.abort() });
    expect(callShortfall(budget, { calls: 1, completions: 1 })).toBe("abort");
  });
});
