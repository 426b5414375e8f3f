import { describe, expect, it } from "vitest";
import { judgeProcessReward } from "../process-rewards/index.ts";
import type { Problem } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { architecture } from "./architecture.ts";

const problem: Problem = { question: "What is 6 × 7?", gold: "42" };
/** Four solutions of three steps each, no two sharing a step: 12 steps to judge. */
const solutions = [40, 41, 42, 43].map((answer) => `6 × 7 = ${answer}\nso it is ${answer}\n#### ${answer}`);
/** A judge that reasons at length before its verdict: 60 words, so 60 tokens when the budget lets it. */
const longVerdict = `${"Let me check this step carefully. ".repeat(10)}YES`;

describe("architecture: a step judge's calls within the run's budget", () => {
  for (const layers of ["gen@4+test+first", "gen@4+rank-prm@1+first"]) {
    it(`${layers}: makes no more step judge calls than maxScoreCalls, and stops by that limit`, async () => {
      const judge = createScriptedBackend({ responses: ["YES"] });
      const context = testStrategyContext({
        backend: createScriptedBackend({ responses: solutions }),
        limits: { maxScoreCalls: 5 },
        sampling: { temperature: 1 },
        parentId: "run",
      });
      const outcome = await architecture({ layers, prm: judgeProcessReward({ backend: judge }) }).run(
        problem,
        context,
      );
      expect(judge.calls.length).toBe(5);
      expect(context.budget.spent().scoreCalls).toBe(5);
      expect(outcome.stoppedBy).toBe("score-calls");
    });

    it(`${layers}: spends no more than maxTotalTokens, judge included, and stops by that limit`, async () => {
      const limit = 150;
      const judge = createScriptedBackend({ responses: [longVerdict] });
      const context = testStrategyContext({
        backend: createScriptedBackend({ responses: solutions }),
        limits: { maxTotalTokens: limit },
        sampling: { temperature: 1 },
        parentId: "run",
      });
      const outcome = await architecture({ layers, prm: judgeProcessReward({ backend: judge }) }).run(
        problem,
        context,
      );
      const { promptTokens, completionTokens } = context.budget.spent().usage;
      expect(judge.calls.length).toBeGreaterThan(0);
      expect((promptTokens ?? Number.POSITIVE_INFINITY) + (completionTokens ?? 0)).toBeLessThanOrEqual(limit);
      expect(outcome.stoppedBy).toBe("tokens");
    });
  }
});
