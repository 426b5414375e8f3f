import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { diverseVerifierTreeSearch } from "./diverse-verifier-tree-search.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

describe("diverseVerifierTreeSearch", () => {
  it("keeps one beam per subtree at every step, dropping the rest of its M candidates", async () => {
    const problem = generateLabProblems({ level: 4, count: 1, seed: 11 })[0]!;
    const result = await solve({
      problem,
      strategy: diverseVerifierTreeSearch({ n: 8, width: 2, prm: labProcessReward() }),
      backend: createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) }),
      seed: 1,
      sampling: { temperature: 1 },
    });
    const selections = result.trace.flatMap((event) =>
      event.type === "selection" && event.method === "dvts:best-per-subtree" ? [event] : [],
    );
    // 8 / 2 = 4 subtrees, each choosing among its 2 candidates after each of the 4 steps before the last.
    expect(selections).toHaveLength(16);
    for (const selection of selections) {
      expect(selection.chosen).toHaveLength(1);
      expect(selection.dropped).toHaveLength(1);
    }
  });
});
