import { describe, expect, it } from "vitest";
import type { Problem, Strategy, StrategyContext } from "../../spec/index.ts";
import { testStrategyContext } from "../../testing/test-strategy-context.ts";
import { withRunProblem } from "./run-problem-strategy.ts";

describe("withRunProblem", () => {
  it("runs the inner strategy on the problem chosen in the run, and reads every other field through", async () => {
    const seen: Problem[] = [];
    const inner: Strategy = Object.freeze({
      name: "sc@2",
      parameters: { n: 2 },
      samples: 2,
      worstCaseTokens: () => 99,
      selectionNote: () => "tied",
      run: async (problem: Problem) => {
        seen.push(problem);
        return { answer: "42", best: undefined, candidates: [], stoppedBy: "complete" as const };
      },
    });
    const chosen: Problem = { question: "40+2=?" };
    const contexts: StrategyContext[] = [];
    const strategy = withRunProblem(inner, async (given, context) => {
      expect(given.question).toBe("given");
      contexts.push(context);
      return chosen;
    });
    expect(strategy).toMatchObject({ name: "sc@2", parameters: { n: 2 }, samples: 2 });
    expect(strategy.worstCaseTokens?.({ promptTokens: 1, maxTokens: 1 })).toBe(99);
    expect(strategy.selectionNote?.([])).toBe("tied");

    const context = testStrategyContext();
    const outcome = await strategy.run({ question: "given" }, context);
    expect(outcome.answer).toBe("42");
    expect(seen).toEqual([chosen]);
    expect(contexts).toEqual([context]);
  });

  it("reads a class instance's getters and methods on the instance, private fields included", async () => {
    class Twice implements Strategy {
      readonly #samples = 2;
      get name() {
        return `twice@${this.#samples}`;
      }
      readonly parameters = {};
      get samples() {
        return this.#samples;
      }
      selectionNote() {
        return `said by ${this.name}`;
      }
      async run(problem: Problem) {
        return { answer: problem.question, best: undefined, candidates: [], stoppedBy: "complete" as const };
      }
    }
    const strategy = withRunProblem(new Twice(), async () => ({ question: "chosen" }));
    expect(strategy.name).toBe("twice@2");
    expect(strategy.samples).toBe(2);
    expect(strategy.selectionNote?.([])).toBe("said by twice@2");
    expect({ ...strategy }).toMatchObject({ parameters: {} });
    expect("run" in strategy && "selectionNote" in strategy).toBe(true);
    const outcome = await strategy.run({ question: "given" }, testStrategyContext());
    expect(outcome.answer).toBe("chosen");
  });
});
