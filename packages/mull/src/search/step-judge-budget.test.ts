import { describe, expect, it } from "vitest";
import { generateLabProblems } from "../lab/index.ts";
import { judgeProcessReward } from "../process-rewards/index.ts";
import type { ProcessRewardModel } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { beamSearch } from "./beam-search.ts";
import { particleFilter } from "./particle-filter.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

const [problem] = generateLabProblems({ level: 2, count: 1, seed: 4 });

/** A judge that reasons at length before its verdict: 60 words, so 60 tokens when the budget lets it. */
const longVerdict = `${"Let me check this step carefully. ".repeat(10)}YES`;

describe("a search with an LLM step judge under a token limit", () => {
  for (const [label, search] of [
    ["beam", (prm: ProcessRewardModel) => beamSearch({ n: 4, width: 2, prm })],
    ["pf", (prm: ProcessRewardModel) => particleFilter({ n: 2, prm })],
  ] as const) {
    it(`${label}: spends no more than maxTotalTokens, judge included, and stops by that limit`, async () => {
      const limit = 150;
      const judge = createScriptedBackend({ responses: [longVerdict] });
      const context = testStrategyContext({
        backend: createScriptedBackend({ respond: slipResponder({ slip: 0.3 }) }),
        limits: { maxTotalTokens: limit },
        sampling: { temperature: 1 },
        parentId: "run",
      });
      const outcome = await search(judgeProcessReward({ backend: judge })).run(problem!, context);
      const { promptTokens, completionTokens } = context.budget.spent().usage;
      expect(judge.calls.length).toBeGreaterThan(0);
      // Before the judge's calls were sized by the budget: 309 (beam) and 200 (pf) tokens.
      expect((promptTokens ?? Number.POSITIVE_INFINITY) + (completionTokens ?? 0)).toBeLessThanOrEqual(limit);
      expect(outcome.stoppedBy).toBe("tokens");
    });
  }
});
