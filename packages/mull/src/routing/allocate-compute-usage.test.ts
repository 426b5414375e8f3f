import { describe, expect, it } from "vitest";
import type { AnswerFormat, Problem } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { allocateCompute } from "./allocate-compute.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

describe("allocateCompute usage and probe totals", () => {
  it("adds the extra samples' usage to the probe's under the same model", async () => {
    // Answers alternate 1, 2: a probe of two is split, so the problem gets extra samples.
    const backend = createScriptedBackend({ responses: ["#### 1", "#### 2"], model: "main" });
    const [result] = await allocateCompute([{ question: "split" }], {
      totalSamples: 6,
      probe: 2,
      context: (_, index) => testStrategyContext({ backend, seed: 5 + index, answerFormat: hashFormat }),
    });
    expect(result?.probe?.agreement).toBe(0.5);
    expect(result?.samples).toBe(6);
    expect(result?.candidates).toHaveLength(6);
    expect(Object.keys(result?.usageByModel ?? {})).toEqual(["main"]);
    expect(result?.usageByModel.main).toEqual(result?.usage);
    expect(result?.usageByModel.main?.completionTokens).toBe(result?.usage.completionTokens);
    expect(result?.usage.completionTokens).toBeGreaterThan(0);
  });

  it("accepts a total that exactly pays for the probes, and gives no problem more", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1", "#### 2"], model: "main" });
    const problems: Problem[] = [{ question: "first" }, { question: "second" }];
    const results = await allocateCompute(problems, {
      totalSamples: 8,
      probe: 4,
      context: (_, index) => testStrategyContext({ backend, seed: 5 + index, answerFormat: hashFormat }),
    });
    expect(results.map((result) => result.samples)).toEqual([4, 4]);
    expect(results.map((result) => result.candidates.length)).toEqual([4, 4]);
  });
});
