import { describe, expect, it } from "vitest";
import { generateLabProblems } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { ProcessRewardModel, SolveResult, Strategy } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { slipResponder } from "./slip-responder.test-support.ts";
import { treeOfThoughtsDfs } from "./tree-of-thoughts-dfs.ts";

const problem = generateLabProblems({ level: 4, count: 1, seed: 11 })[0]!;

/** A PRM that gives every step 0.5. */
const flat: ProcessRewardModel = {
  name: "flat",
  score: async (_problem, solutions) => ({
    results: solutions.map((steps) => ({ rewards: steps.map(() => 0.5) })),
    calls: 0,
  }),
};

async function run(strategy: Strategy): Promise<SolveResult> {
  const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) });
  return solve({ problem, strategy, backend, seed: 1, sampling: { temperature: 1 } });
}

describe("treeOfThoughtsDfs", () => {
  it("visits a state valued exactly at the threshold, down to a complete solution", async () => {
    const result = await run(treeOfThoughtsDfs({ k: 2, threshold: 0.5, prm: flat }));
    expect(result.answer).toBeDefined();
    expect(result.best?.finishReason).toBe("stop");
    expect(result.best?.steps).toHaveLength(5);
  });

  it("makes no more than maxExpansions expansions", async () => {
    // Every state is pruned (0.5 < 0.9): each attempt at the root is one expansion of k = 2 steps.
    const result = await run(treeOfThoughtsDfs({ k: 2, threshold: 0.9, maxExpansions: 1, prm: flat }));
    expect(result.trace.filter((event) => event.type === "generation")).toHaveLength(2);
    const twice = await run(treeOfThoughtsDfs({ k: 2, threshold: 0.9, maxExpansions: 2, prm: flat }));
    expect(twice.trace.filter((event) => event.type === "generation")).toHaveLength(4);
  });
});
