import { describe, expect, it } from "vitest";
import { labProblem, labProcessReward } from "../lab/index.ts";
import type { BudgetLimits, ProcessRewardModel, StrategyContext } from "../spec/index.ts";
import { registerInMemorySpans } from "../telemetry/in-memory-spans.test-support.ts";
import { testStrategyContext } from "../testing/index.ts";
import { scorePartialSolutions } from "./score-partial-solutions.ts";

function contextFor(limits: BudgetLimits = {}): StrategyContext {
  return testStrategyContext({ limits, parentId: "run" });
}

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });

/** A PRM that charges two calls and some tokens per batch and gives every step 0.5. */
const paidPrm: ProcessRewardModel = {
  name: "paid",
  score: async (_problem, solutions) => ({
    results: solutions.map((steps) => ({ rewards: steps.map(() => 0.5) })),
    calls: 2,
    usage: { promptTokens: 10, completionTokens: 0, calls: 2 },
  }),
};

describe("scorePartialSolutions", () => {
  it("scores with the PRM, aggregates and records a score event under each partial", async () => {
    const context = contextFor();
    const result = await scorePartialSolutions({
      problem,
      partials: [
        { id: "n1", steps: ["30+444=474", "474+273=747"] },
        { id: "n2", steps: ["30+444=474", "474+273=737"] },
      ],
      prm: labProcessReward(),
      context,
      aggregation: "min",
    });
    expect(result.rewards).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(result.values).toEqual([1, 0]);
    expect(context.tracer.events()).toMatchObject([
      { type: "score", parentId: "n1", scorer: "lab-step-checker", value: 1, steps: [1, 1] },
      { type: "score", parentId: "n2", value: 0, steps: [1, 0] },
    ]);
  });

  it("charges PRM calls and tokens to the budget, and stops at the PRM call limit", async () => {
    const context = contextFor({ maxScoreCalls: 3 });
    const first = await scorePartialSolutions({
      problem,
      partials: [{ id: "a", steps: ["x"] }],
      prm: paidPrm,
      context,
    });
    expect(first.calls).toBe(2);
    expect(context.budget.spent().scoreCalls).toBe(2);
    expect(context.budget.spent().usage).toEqual({ promptTokens: 10, completionTokens: 0, calls: 0 });
    const second = await scorePartialSolutions({
      problem,
      partials: [{ id: "b", steps: ["y"] }],
      prm: paidPrm,
      context,
    });
    expect(second.stoppedBy).toBe("complete");
    const third = await scorePartialSolutions({
      problem,
      partials: [{ id: "c", steps: ["z"] }],
      prm: paidPrm,
      context,
    });
    expect(third).toMatchObject({ rewards: undefined, stoppedBy: "score-calls", calls: 0 });
  });

  it("rejects a PRM answer that does not fit the solutions", async () => {
    const broken: ProcessRewardModel = {
      name: "broken",
      score: async () => ({ results: [{ rewards: [2] }], calls: 0 }),
    };
    await expect(
      scorePartialSolutions({
        problem,
        partials: [{ id: "a", steps: ["x"] }],
        prm: broken,
        context: contextFor(),
      }),
    ).rejects.toThrow(/\[0, 1\]/);
    await expect(
      scorePartialSolutions({
        problem,
        partials: [{ id: "a", steps: ["x", "y"] }],
        prm: { name: "short", score: async () => ({ results: [{ rewards: [1] }], calls: 0 }) },
        context: contextFor(),
      }),
    ).rejects.toThrow(/1 rewards for a solution of 2 steps/);
  });

  it("names the PRM in errors as a PRM, and its span by its plain name", async () => {
    const registered = registerInMemorySpans();
    try {
      await scorePartialSolutions({
        problem,
        partials: [{ id: "a", steps: ["x"] }],
        prm: paidPrm,
        context: contextFor(),
      });
      expect(registered.spans().map((span) => [span.name, span.attributes["mull.scorer"]])).toEqual([
        ["mull.score paid", "paid"],
      ]);
    } finally {
      registered.restore();
    }
    await expect(
      scorePartialSolutions({
        problem,
        partials: [{ id: "a", steps: ["x"] }],
        prm: { name: "empty", score: async () => ({ results: [], calls: 0 }) },
        context: contextFor(),
      }),
    ).rejects.toThrow('PRM "empty" returned 0 results for 1 solutions');
  });
});
