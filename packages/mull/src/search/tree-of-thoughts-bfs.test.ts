import { describe, expect, it } from "vitest";
import { generateLabProblems } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { ProcessRewardModel, SelectionEvent, SolveResult, Strategy } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { slipResponder } from "./slip-responder.test-support.ts";
import { treeOfThoughtsBfs } from "./tree-of-thoughts-bfs.ts";

const problem = generateLabProblems({ level: 4, count: 1, seed: 11 })[0]!;

/** A PRM that gives every step 0.5. */
const flat: ProcessRewardModel = {
  name: "flat",
  score: async (_problem, solutions) => ({
    results: solutions.map((steps) => ({ rewards: steps.map(() => 0.5) })),
    calls: 0,
  }),
};

async function run(strategy: Strategy, seed = 1): Promise<SolveResult> {
  const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) });
  return solve({ problem, strategy, backend, seed, sampling: { temperature: 1 } });
}

function selections(result: SolveResult, method: string): SelectionEvent[] {
  return result.trace.filter(
    (event): event is SelectionEvent => event.type === "selection" && event.method === method,
  );
}

describe("treeOfThoughtsBfs", () => {
  it("keeps `breadth` states at each depth, counting a value exactly at the threshold as passing", async () => {
    const result = await run(treeOfThoughtsBfs({ breadth: 2, k: 3, threshold: 0.5, prm: flat }));
    const kept = selections(result, "tot-bfs:top-2");
    // Every state is valued 0.5: the threshold prunes none and `breadth` caps the 6 proposals at 2.
    // At the last depth only complete solutions are proposed: none is kept as a state.
    expect(kept.length).toBeGreaterThan(1);
    for (const selection of kept.slice(0, -1)) expect(selection.chosen).toHaveLength(2);
    expect(kept.at(-1)!.chosen).toEqual([]);
  });

  it("never keeps a complete solution as a state to expand", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const result = await run(treeOfThoughtsBfs({ breadth: 3, k: 3, prm: flat }), seed);
      const texts = new Map(
        result.trace.flatMap((event) => (event.type === "generation" ? [[event.id, event.text]] : [])),
      );
      const kept = selections(result, "tot-bfs:top-3").flatMap((selection) => selection.chosen);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.filter((id) => texts.get(id)?.includes("####") === true)).toEqual([]);
    }
  });
});
