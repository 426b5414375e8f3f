import { describe, expect, it } from "vitest";
import { labOutcomeChecker } from "../lab/index.ts";
import type { OutcomeScorer } from "../spec/index.ts";
import { bestOfN } from "./best-of-n.ts";
import { budgetForcing } from "./budget-forcing.ts";
import { selfConsistency } from "./self-consistency.ts";
import { worstCaseTokens } from "./worst-case-tokens.ts";

describe("worstCaseTokens", () => {
  it("is samples × (prompt + maxTokens) for a strategy that declares nothing more", () => {
    expect(worstCaseTokens(selfConsistency({ n: 8 }), { promptTokens: 50, maxTokens: 200 })).toBe(2000);
  });

  it("takes a strategy's own reckoning where its calls re-read what it wrote", () => {
    const cues = { answerCue: "\n#### ", continueCue: "\n" };
    const request = { promptTokens: 3, maxTokens: 240, thinkingCues: cues };
    const strategy = budgetForcing({ minThinkingTokens: 250, maxWaits: 3 });
    // Four thinking calls read 3, then 3 + 240 + k one-token cues; the trace writes at most 240.
    expect(worstCaseTokens(strategy, request)).toBe(4 * 3 + 3 * 240 + 6 + 240);
    expect(worstCaseTokens(strategy, request)).toBe(strategy.worstCaseTokens?.(request));
  });

  it("adds the scorer's worst case for each sample a strategy that scores them may score", () => {
    const judge: OutcomeScorer = {
      name: "judge",
      score: async () => ({ scores: [], calls: 0 }),
      worstCaseTokens: (request) => 100 + request.promptTokens + request.maxTokens + 512,
    };
    const request = { promptTokens: 16, maxTokens: 48 };
    const strategy = bestOfN({ n: 4, scorer: judge });
    expect(worstCaseTokens(strategy, request)).toBe(4 * (16 + 48));
    expect(worstCaseTokens(strategy, request, judge)).toBe(4 * (16 + 48) + 4 * (100 + 16 + 48 + 512));
    // A scorer that declares no worst case (a programmatic check) adds nothing.
    expect(worstCaseTokens(strategy, request, labOutcomeChecker())).toBe(4 * (16 + 48));
  });
});
