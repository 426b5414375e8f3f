import { describe, expect, it } from "vitest";
import { passAtK } from "../metrics/pass-at-k.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { repeatedSampling } from "./repeated-sampling.ts";

describe("repeatedSampling", () => {
  it("keeps all n samples for coverage and answers with the majority", async () => {
    const backend = createScriptedBackend({ answers: { distribution: { "10": 0.2, "11": 0.5, "12": 0.3 } } });
    const result = await solve({ problem: "q", strategy: repeatedSampling({ n: 30 }), backend, seed: 2 });
    expect(result.strategy).toBe("rs@30");
    expect(result.candidates).toHaveLength(30);
    const correct = result.candidates.filter((candidate) => candidate.answer === "10").length;
    expect(correct).toBeGreaterThan(0);
    expect(passAtK(30, correct, 10)).toBeGreaterThan(correct / 30);
    const votes = result.votes!;
    expect(Object.values(votes).reduce((sum, count) => sum + count, 0)).toBe(30);
    expect(votes[result.answer!]).toBe(Math.max(...Object.values(votes)));
    const again = await solve({
      problem: "q",
      strategy: repeatedSampling({ n: 30 }),
      backend: createScriptedBackend({ answers: { distribution: { "10": 0.2, "11": 0.5, "12": 0.3 } } }),
      seed: 2,
    });
    expect(again.candidates.map((candidate) => candidate.text)).toEqual(result.candidates.map((c) => c.text));
  });

  it("says how far it got when tokens run out", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { n: false } });
    const result = await solve({
      problem: "q",
      strategy: "rs@50",
      backend,
      budget: { maxCompletionTokens: 20 },
    });
    // Each completion is two tokens: ten fit.
    expect(result.candidates).toHaveLength(10);
    expect(result).toMatchObject({ stoppedBy: "completion-tokens", partial: true, answer: "1" });
  });
});
