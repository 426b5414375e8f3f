import { describe, expect, it } from "vitest";
import type { BudgetLimits, ScoreEvent, Usage } from "../spec/index.ts";
import { testStrategyContext } from "../testing/index.ts";
import { type ScoreRecordedOptions, scoreRecorded } from "./score-recorded.ts";

const usage: Usage = { promptTokens: 10, completionTokens: 2, calls: 1 };

/** Scores two solutions `a` and `b` at 0.25 and 0.75, at the cost of `usage` and one scorer call. */
function scoreTwo(limits: BudgetLimits, model?: string) {
  const context = testStrategyContext({ limits });
  const options: ScoreRecordedOptions<number> = {
    context,
    parentIds: ["a", "b"],
    scorer: 'scorer "halves"',
    resultName: "scores",
    score: async () => ({ results: [0.25, 0.75], calls: 1, usage }),
    event: (value) => ({ scorer: "halves", value }),
    model,
  };
  return { context, scored: scoreRecorded(options) };
}

function scoreEvents(context: ReturnType<typeof testStrategyContext>): ScoreEvent[] {
  return context.tracer.events().filter((event): event is ScoreEvent => event.type === "score");
}

describe("scoreRecorded", () => {
  it("charges a scorer call and the scorer's tokens, not its calls, to the run", async () => {
    const { context, scored } = scoreTwo({});
    expect((await scored).values).toEqual([0.25, 0.75]);
    const spent = context.budget.spent();
    expect(spent.scoreCalls).toBe(1);
    expect(spent.usage).toMatchObject({ promptTokens: 10, completionTokens: 2, calls: 0 });
    expect(scoreEvents(context).map((event) => [event.parentId, event.value, event.model])).toEqual([
      ["a", 0.25, undefined],
      ["b", 0.75, undefined],
    ]);
  });

  it("charges at least one scorer call per invocation, or the calls the scorer reports when more", async () => {
    const charged = async (reported: number) => {
      const context = testStrategyContext({ limits: {} });
      const result = await scoreRecorded({
        context,
        parentIds: ["a", "b", "c"],
        scorer: "code",
        resultName: "scores",
        score: async () => ({ results: [1, 0, 1], calls: reported }),
        event: (value) => ({ scorer: "code", value }),
      });
      expect(scoreEvents(context)).toHaveLength(3);
      expect(context.budget.spent().usage.calls).toBe(0);
      return [result.calls, context.budget.spent().scoreCalls];
    };
    // A programmatic check reports no model call, yet its invocation is a scorer call.
    expect(await charged(0)).toEqual([1, 1]);
    // A judge that asked its model once per solution.
    expect(await charged(3)).toEqual([3, 3]);
  });

  it("counts a model's reading as a model call, with its usage and model on the first event", async () => {
    const { context, scored } = scoreTwo({ maxScoreCalls: 0 }, "large");
    expect((await scored).stoppedBy).toBe("complete");
    const spent = context.budget.spent();
    expect(spent.usage).toMatchObject({ promptTokens: 10, completionTokens: 2, calls: 1 });
    expect(spent.scoreCalls).toBe(0);
    expect((await scored).calls).toBe(0);
    expect(
      scoreEvents(context).map((event) => [event.parentId, event.model, event.usage?.promptTokens]),
    ).toEqual([
      ["a", "large", 10],
      ["b", undefined, undefined],
    ]);
  });

  it("refuses a batch with fewer results than solutions, naming both counts, and records nothing", async () => {
    const context = testStrategyContext({ limits: {} });
    const scored = scoreRecorded({
      context,
      parentIds: ["a", "b"],
      scorer: "short",
      resultName: "scores",
      score: async () => ({ results: [1], calls: 1 }),
      event: (value: number) => ({ scorer: "short", value }),
    });
    await expect(scored).rejects.toThrow('scorer "short" returned 1 scores for 2 solutions');
    expect(scoreEvents(context)).toEqual([]);
    expect(context.budget.spent().scoreCalls).toBe(0);
  });

  it("does not start a call the budget cannot afford: a scorer call, or a model call for a reading", async () => {
    const scorer = scoreTwo({ maxScoreCalls: 0 });
    expect(await scorer.scored).toMatchObject({ results: undefined, stoppedBy: "score-calls", calls: 0 });
    const reading = scoreTwo({ maxCalls: 0 }, "large");
    expect(await reading.scored).toMatchObject({ results: undefined, stoppedBy: "calls", calls: 0 });
    expect(scoreEvents(reading.context)).toEqual([]);
    expect(reading.context.budget.spent().usage.calls).toBe(0);
  });
});
