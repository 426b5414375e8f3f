import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { GenerationEvent, ProcessRewardModel, SolveResult, Strategy } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { monteCarloTreeSearch } from "./monte-carlo-tree-search.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

// Five steps: four operations and the `####` line, so a few simulations finish nothing.
const problem = generateLabProblems({ level: 4, count: 1, seed: 11 })[0]!;
const exact = labProcessReward();

/** A PRM that gives every step 0.5, so every UCT value ties. */
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

/** The generations in the order the search made them: one per simulation, then the rollout if any. */
function generations(result: SolveResult): GenerationEvent[] {
  return result.trace.filter((event): event is GenerationEvent => event.type === "generation");
}

describe("monteCarloTreeSearch", () => {
  it("widens progressively: the root gets a second child after one visit, a third only after four", async () => {
    const result = await run(monteCarloTreeSearch({ simulations: 4, prm: exact }));
    const runId = result.trace[0]!.id;
    // Visited once the root may have 1 + ⌊√1⌋ = 2 children, visited twice still 2: the third simulation
    // goes below one of them.
    const parents = generations(result)
      .slice(0, 3)
      .map((event) => event.parentId === runId);
    expect(parents).toEqual([true, true, false]);
  });

  it("breaks a tie of UCT values towards the first child", async () => {
    const [first, , third] = generations(await run(monteCarloTreeSearch({ simulations: 3, prm: flat })));
    expect(third!.parentId).toBe(first!.id);
  });

  it("when no simulation finished, completes the most visited path in one rollout", async () => {
    const result = await run(monteCarloTreeSearch({ simulations: 3, prm: flat }));
    const made = generations(result);
    // Root → first child (visited twice) → its child (once); the second root child was visited once.
    expect(made).toHaveLength(4);
    expect(made[2]!.parentId).toBe(made[0]!.id);
    expect(made[3]!.parentId).toBe(made[2]!.id);
    expect(result.best?.steps).toHaveLength(5);
  });

  it("still answers when its simulations finish nothing, through that rollout", async () => {
    const result = await run(monteCarloTreeSearch({ simulations: 2, prm: exact }));
    expect(result.answer).toBeDefined();
    expect(result.best?.finishReason).toBe("stop");
  });

  it("explores by its exploration constant: without it the search only exploits", async () => {
    const parentsWith = async (exploration: number) =>
      generations(await run(monteCarloTreeSearch({ simulations: 24, exploration, prm: exact }))).map(
        (event) => event.parentId,
      );
    expect(await parentsWith(0)).not.toEqual(await parentsWith(4));
  });
});
