import { describe, expect, it } from "vitest";
import { labProblem, labProcessReward } from "../lab/index.ts";
import { judgeProcessReward } from "../process-rewards/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { solve } from "../solve.ts";
import type { CostRequest, Prompt, Strategy } from "../spec/index.ts";
import { stepFormat } from "../steps/index.ts";
import { worstCaseTokens } from "../strategies/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { aStarDecoding } from "./a-star-decoding.ts";
import { beamSearch } from "./beam-search.ts";
import { diverseVerifierTreeSearch } from "./diverse-verifier-tree-search.ts";
import { monteCarloTreeSearch } from "./monte-carlo-tree-search.ts";
import { particleFilter } from "./particle-filter.ts";
import { particleGibbs } from "./particle-gibbs.ts";
import { treeOfThoughtsBfs } from "./tree-of-thoughts-bfs.ts";
import { treeOfThoughtsDfs } from "./tree-of-thoughts-dfs.ts";

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });
const prm = judgeProcessReward({ backend: createScriptedBackend({ responses: ["YES"] }) });

describe("a search's worst case", () => {
  // 5 prompt tokens and paths of up to 48 tokens; 40 steps' newlines and the leading one are 11 tokens at 4
  // characters a token, so each call reads and writes at most 5 + 48 + 11 = 64.
  const request: CostRequest = { promptTokens: 5, maxTokens: 48, charactersPerToken: 4 };
  const cases: readonly (readonly [Strategy, number, number])[] = [
    // [strategy, step calls and rollouts, steps judged]
    [particleFilter({ n: 2, prm }), 2 * 40, 2 * 40],
    [particleGibbs({ n: 2, iterations: 3, prm }), 6 * 40, 6 * 40],
    [beamSearch({ n: 8, width: 2, prm }), 8 * 40, 8 * 40],
    [beamSearch({ n: 8, width: 2, lookahead: 1, prm }), 8 * 40 * 2, 8 * 40 * 2],
    // 7 particles of width 2 make 3 subtrees: 6 candidates a depth.
    [diverseVerifierTreeSearch({ n: 7, width: 2, prm }), 6 * 40, 6 * 40],
    [aStarDecoding({ k: 4, prm }), 64 * 4, 64 * 4],
    [aStarDecoding({ k: 4, maxExpansions: 10, prm }), 10 * 4, 10 * 4],
    [treeOfThoughtsBfs({ breadth: 3, k: 2, prm }), 2 + 39 * 6, 2 + 39 * 6],
    [treeOfThoughtsDfs({ k: 3, prm }), 64 * 3, 64 * 3],
    // A step per simulation and a final rollout, whose steps are counted as the 40 a path may have.
    [monteCarloTreeSearch({ simulations: 8, prm }), 8 + 1, 8 + 40],
    [monteCarloTreeSearch({ simulations: 8, value: "rollout", prm }), 8 + 9, 8 + 9 * 40],
  ];

  it("counts each search's calls from its own limits, each reading the prompt and a path of max_tokens", () => {
    for (const [strategy, calls, judged] of cases) {
      expect(strategy.worstCaseTokens?.(request), strategy.name).toBe(calls * 64);
      expect(strategy.judgedSteps?.(request), strategy.name).toEqual({
        steps: judged,
        each: { promptTokens: 5, pathTokens: 48, pathSteps: 40, charactersPerToken: 4 },
      });
    }
  });

  it("reads its step limit, its solution limit and its step format from its options", () => {
    const format = stepFormat({ delimiter: "\n\n" });
    const strategy = particleFilter({ n: 2, prm, maxSteps: 5, maxSolutionTokens: 30, format });
    // 5 delimiters and the leading one of 2 characters each: 3 tokens.
    expect(strategy.worstCaseTokens?.(request)).toBe(2 * 5 * (5 + 30 + 3));
    expect(strategy.judgedSteps?.({ promptTokens: 5, maxTokens: 48 })).toEqual({
      steps: 2 * 5,
      each: { promptTokens: 5, pathTokens: 30, pathSteps: 5 },
    });
    // Without a characters-per-token figure, each delimiter character counts a token.
    expect(strategy.worstCaseTokens?.({ promptTokens: 5, maxTokens: 48 })).toBe(2 * 5 * (5 + 30 + 12));
  });

  it("refuses a characters-per-token figure that is not above 0, naming it", () => {
    const refused = thrownConfigError(() =>
      particleFilter({ n: 2, prm }).worstCaseTokens?.({ ...request, charactersPerToken: 0 }),
    );
    expect(refused.message).toBe(
      "particleFilter.worstCaseTokens: charactersPerToken must be a number > 0, got 0",
    );
    expect(refused.field).toBe("charactersPerToken");
  });
});

describe("a search's worst case against what its run spends", () => {
  /** A policy that never finishes: every step is 10 words (10 tokens to the scripted backend). */
  const policy = () =>
    createScriptedBackend({
      respond: (_request, _index, rng) => ({
        text: Array.from({ length: 10 }, () => `w${Math.floor(rng.next() * 1000)}`).join(" "),
      }),
    });
  const characters = (prompt: Prompt) =>
    prompt.kind === "text"
      ? prompt.text.length
      : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
  const searches = (judge: typeof prm): Strategy[] => [
    particleFilter({ n: 2, prm: judge, maxSteps: 4 }),
    particleGibbs({ n: 2, iterations: 2, prm: judge, maxSteps: 4 }),
    beamSearch({ n: 4, width: 2, lookahead: 1, prm: judge, maxSteps: 4 }),
    diverseVerifierTreeSearch({ n: 4, width: 2, prm: judge, maxSteps: 4 }),
    aStarDecoding({ k: 2, maxExpansions: 6, prm: judge, maxSteps: 4 }),
    treeOfThoughtsBfs({ breadth: 2, k: 2, prm: judge, maxSteps: 4 }),
    treeOfThoughtsDfs({ k: 2, maxExpansions: 6, prm: judge, maxSteps: 4 }),
    monteCarloTreeSearch({ simulations: 6, prm: judge, maxSteps: 4 }),
    monteCarloTreeSearch({ simulations: 6, value: "rollout", prm: judge, maxSteps: 4 }),
  ];

  it("covers every token a run spends, its step judge's calls included", async () => {
    for (const index of searches(prm).keys()) {
      const backend = policy();
      const judge = judgeProcessReward({
        backend: createScriptedBackend({ responses: ["Looks right. YES"] }),
      });
      const strategy = searches(judge)[index]!;
      const result = await solve({
        problem,
        strategy,
        backend,
        seed: 3,
        sampling: { temperature: 1, maxTokens: 40 },
      });
      const prompt = backend.calls[0]!.request.prompt;
      // The prompt as a server estimates it, at 4 characters a token (the scripted tokens are words).
      const request = {
        promptTokens: Math.ceil(characters(prompt) / 4),
        maxTokens: 40,
        charactersPerToken: 4,
      };
      const judged = strategy.judgedSteps?.(request);
      const judging = judged === undefined ? 0 : judged.steps * (judge.worstCaseTokens?.(judged.each) ?? 0);
      const spent = (result.usage.promptTokens ?? Number.NaN) + (result.usage.completionTokens ?? Number.NaN);
      expect(result.scoreCalls, strategy.name).toBeGreaterThan(0);
      expect(spent, strategy.name).toBeLessThanOrEqual(worstCaseTokens(strategy, request) + judging);
    }
  });

  it("is reached within a factor of 2 by particles that each write their 4 steps to max_tokens", async () => {
    const backend = policy();
    // The lab's checker calls no model: the run's usage is its own calls'.
    const strategy = particleFilter({ n: 2, prm: labProcessReward(), maxSteps: 4 });
    const result = await solve({
      problem,
      strategy,
      backend,
      seed: 3,
      sampling: { temperature: 1, maxTokens: 40 },
    });
    expect(backend.calls).toHaveLength(8);
    const request = {
      promptTokens: Math.ceil(characters(backend.calls[0]!.request.prompt) / 4),
      maxTokens: 40,
      charactersPerToken: 4,
    };
    const spent = (result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0);
    const worstCase = strategy.worstCaseTokens?.(request) ?? 0;
    expect(spent).toBeLessThanOrEqual(worstCase);
    expect(spent).toBeGreaterThan(worstCase / 2);
  });
});
