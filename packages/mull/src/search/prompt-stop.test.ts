import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward, labPromptTemplate } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { Problem, Strategy } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { aStarDecoding } from "./a-star-decoding.ts";
import { beamSearch } from "./beam-search.ts";
import { diverseVerifierTreeSearch } from "./diverse-verifier-tree-search.ts";
import { monteCarloTreeSearch } from "./monte-carlo-tree-search.ts";
import { particleFilter } from "./particle-filter.ts";
import { particleGibbs } from "./particle-gibbs.ts";
import { slipResponder } from "./slip-responder.test-support.ts";
import { treeOfThoughtsBfs } from "./tree-of-thoughts-bfs.ts";
import { treeOfThoughtsDfs } from "./tree-of-thoughts-dfs.ts";

const prm = labProcessReward();
const stop = ["\n\nQuestion:"];
const [lab] = generateLabProblems({ level: 4, count: 1, seed: 11 });
// A few-shot text template's prompt: its stop ends a completion at the next made-up question.
const problem: Problem = { ...lab!, prompt: { ...labPromptTemplate(lab!), stop } };

const strategies: readonly Strategy[] = [
  beamSearch({ n: 8, width: 2, prm }),
  beamSearch({ n: 8, width: 2, lookahead: 1, prm }),
  diverseVerifierTreeSearch({ n: 16, width: 4, prm }),
  particleFilter({ n: 8, prm }),
  particleGibbs({ n: 4, iterations: 2, prm }),
  aStarDecoding({ k: 4, prm }),
  treeOfThoughtsBfs({ breadth: 3, k: 5, prm }),
  treeOfThoughtsDfs({ k: 3, prm }),
  monteCarloTreeSearch({ simulations: 32, prm }),
  monteCarloTreeSearch({ simulations: 16, prm, value: "rollout" }),
];

describe("step search keeps the problem prompt's stop strings", () => {
  it.each(
    strategies.map((strategy) => [strategy.name, strategy] as const),
  )("%s sends them on every step call", async (_name, strategy) => {
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) });
    await solve({ problem, strategy, backend, seed: 1, sampling: { temperature: 1 } });
    expect(backend.calls.length).toBeGreaterThan(1);
    for (const call of backend.calls) expect(call.request.prompt.stop).toEqual(stop);
  });

  it("sends them on rollouts too, which stop at no step delimiter", async () => {
    const backend = createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) });
    const strategy = monteCarloTreeSearch({ simulations: 16, prm, value: "rollout" });
    await solve({ problem, strategy, backend, seed: 1, sampling: { temperature: 1 } });
    const rollouts = backend.calls.filter((call) => !(call.request.stop ?? []).includes("\n"));
    expect(rollouts.length).toBeGreaterThan(0);
    for (const call of rollouts) expect(call.request.prompt.stop).toEqual(stop);
  });
});
