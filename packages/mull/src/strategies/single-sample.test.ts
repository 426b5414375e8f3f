import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../errors/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { singleSample } from "./single-sample.ts";

const distribution = { "12": 0.45, "13": 0.35, "14": 0.2 };

describe("singleSample", () => {
  it("greedy asks for one completion at temperature 0 and returns its answer", async () => {
    const backend = createScriptedBackend({ answers: { distribution } });
    const result = await solve({
      problem: "7+5=?",
      strategy: singleSample({ temperature: 0 }),
      backend,
      seed: 9,
    });
    expect(result.strategy).toBe("greedy");
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.request).toMatchObject({ n: 1, temperature: 0 });
    expect(result.answer).toBe("12");
    expect(result.candidates).toHaveLength(1);
    expect(result.best).toBe(result.candidates[0]);
    expect(result).toMatchObject({ stoppedBy: "complete", partial: false, scoreCalls: 0 });
  });

  it("ends as an exhausted budget when the budget cuts its one sample mid-way: a cut sample is no sample", async () => {
    const backend = createScriptedBackend({ responses: ["one two three four five six seven eight #### 8"] });
    const error = await rejection(
      solve({ problem: "q", strategy: "greedy", backend, budget: { maxCompletionTokens: 3 } }),
    );
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([3]);
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: "completion-tokens", spent: { usage: { completionTokens: 3 } } });
  });

  it("single samples at the run's temperature, reproducibly by seed", async () => {
    const run = async (seed: number) => {
      const backend = createScriptedBackend({ answers: { distribution } });
      const result = await solve({
        problem: "7+5=?",
        strategy: "single",
        backend,
        seed,
        sampling: { temperature: 1 },
      });
      expect(backend.calls[0]!.request.temperature).toBe(1);
      return result.answer;
    };
    const answers = await Promise.all(Array.from({ length: 12 }, (_, seed) => run(seed)));
    expect(await Promise.all(Array.from({ length: 12 }, (_, seed) => run(seed)))).toEqual(answers);
    expect(new Set(answers).size).toBeGreaterThan(1);
  });
});
