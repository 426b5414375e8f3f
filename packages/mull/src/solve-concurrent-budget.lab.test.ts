import { createLlamaCppBackend, type LlamaCppBackend } from "@mull/llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsUnderTest } from "./cli/lab-models-under-test.test-support.ts";
import { BudgetExhaustedError } from "./errors/index.ts";
import { labProfile } from "./lab/index.ts";
import { solve } from "./solve.ts";
import type { BudgetLimits, SolveResult, Usage } from "./spec/index.ts";

const lab = labModelsUnderTest(["lab-v2-large"]);
if (lab.missing !== undefined) console.log(lab.missing);

// Its greedy solution reads a 30-token prompt and writes 67 tokens, "…393+61=454\n#### 454": 97 in all.
const problem = "305+512-178+44-290+61=?";

function spentWithin(usage: Usage | undefined, limits: BudgetLimits): void {
  const { promptTokens = 0, completionTokens = 0, calls = 0 } = usage ?? {};
  if (limits.maxCalls !== undefined) expect(calls).toBeLessThanOrEqual(limits.maxCalls);
  if (limits.maxTotalTokens !== undefined)
    expect(promptTokens + completionTokens).toBeLessThanOrEqual(limits.maxTotalTokens);
  if (limits.maxCompletionTokens !== undefined)
    expect(completionTokens).toBeLessThanOrEqual(limits.maxCompletionTokens);
}

describe.skipIf(!lab.present)(
  "budgets of strategies that run traces at once, on the embedded lab-v2-large",
  () => {
    let backend: LlamaCppBackend;

    beforeAll(async () => {
      backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
    });

    afterAll(async () => {
      await backend?.dispose();
    });

    const run = (strategy: string, budget: BudgetLimits): Promise<SolveResult | BudgetExhaustedError> =>
      solve({ problem, strategy, backend, profile: labProfile(), seed: 1, budget }).catch(
        (error: unknown) => {
          if (!BudgetExhaustedError.isInstance(error)) throw error;
          return error;
        },
      );

    it("pasc and force stay within calls, total and completion tokens with their traces in flight together", async () => {
      for (const [strategy, budget] of [
        ["pasc@4", { maxCalls: 1 }],
        ["pasc@4", { maxTotalTokens: 100 }],
        ["pasc@8", { maxCompletionTokens: 50 }],
        ["pasc@4", { maxTotalTokens: 400 }],
        ["force@2x32", { maxCalls: 1 }],
        ["force@2x32", { maxTotalTokens: 250 }],
        ["force@4x32", { maxTotalTokens: 600 }],
      ] as const) {
        const outcome = await run(strategy, budget);
        const usage = BudgetExhaustedError.isInstance(outcome) ? outcome.spent?.usage : outcome.usage;
        spentWithin(usage, budget);
        if (BudgetExhaustedError.isInstance(outcome)) continue;
        // Only finished traces vote: none cut by the budget.
        expect(
          outcome.candidates.every((candidate) => candidate.finishReason === "stop"),
          strategy,
        ).toBe(true);
      }
    }, 120_000);

    it("pasc under a tight budget finishes samples rather than cutting every trace", async () => {
      const one = await run("pasc@4", { maxTotalTokens: 100 });
      expect(one).toMatchObject({ answer: "454", stoppedBy: "tokens", partial: true });
      // 4 × 97 = 388: all four traces fit 400 once the first has measured one.
      const four = await run("pasc@4", { maxTotalTokens: 400 });
      expect(BudgetExhaustedError.isInstance(four) ? [] : four.candidates).toHaveLength(4);
    }, 60_000);

    it("extend and force make their call at what a budget below maxTokens leaves, where a plain sample fits", async () => {
      // force keeps room for a forced answer that re-reads the prompt and the thinking: its thinking
      // call gets (260 − 2 × 30 − 32) / 2 = 84 tokens, and the 67-token solution ends within them.
      for (const [strategy, budget] of [
        ["extend@40w2", { maxTotalTokens: 200 }],
        ["extend@40w2", { maxCompletionTokens: 150 }],
        ["force@150", { maxTotalTokens: 260 }],
      ] as const) {
        const outcome = await run(strategy, budget);
        expect(outcome, strategy).toMatchObject({ answer: "454", stoppedBy: "complete" });
        spentWithin(BudgetExhaustedError.isInstance(outcome) ? undefined : outcome.usage, budget);
      }
    }, 60_000);

    it("force@150 under a total-token limit below its thinking and answer answers within it", async () => {
      // (200 − 2 × 30 − 32) / 2 = 54 tokens of thinking, then an answer forced within what is left: the
      // budget, not T, cut the thinking, so the run is partial, stopped by the token limit.
      const budget = { maxTotalTokens: 200 };
      const outcome = await run("force@150", budget);
      expect(BudgetExhaustedError.isInstance(outcome)).toBe(false);
      expect(outcome).toMatchObject({ stoppedBy: "tokens", partial: true, answer: expect.any(String) });
      spentWithin(BudgetExhaustedError.isInstance(outcome) ? undefined : outcome.usage, budget);
    }, 60_000);

    it("force@32 with one call gives no answer from its thinking cut at T", async () => {
      const outcome = await run("force@32", { maxCalls: 1 });
      // Cut at 32 tokens on "…639+44=", its thinking would answer 44.
      expect(BudgetExhaustedError.isInstance(outcome)).toBe(true);
      expect(outcome).toMatchObject({
        reason: "calls",
        spent: { usage: { calls: 1, completionTokens: 32 } },
      });
    }, 60_000);
  },
);
