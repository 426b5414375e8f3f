import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "./errors/index.ts";
import { characterTokensBackend } from "./generation/character-tokens-backend.test-support.ts";
import { labOutcomeChecker } from "./lab/index.ts";
import { solve } from "./solve.ts";
import { createScriptedBackend } from "./testing/index.ts";

// 20 characters: 20 tokens to the backend, which counts them as the lab models' tokenizer does.
const problem = {
  question: "123+45+67+89=?",
  prompt: { kind: "text", text: "Q: 123+45+67+89=? A:" },
} as const;

describe("solve under a total-token budget, on a backend that counts prompt tokens", () => {
  it("holds the budget on the first call: sc@2 with 30 tokens asks 10, and a sample cut there is none", async () => {
    const backend = characterTokensBackend({ completionTokens: 15 });
    const error = await solve({ problem, strategy: "sc@2", backend, budget: { maxTotalTokens: 30 } }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([10]);
    // The 15-token sample was cut at 10 by the budget: charged, but no candidate, so nothing to answer with.
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("tokens");
    expect((error as BudgetExhaustedError).spent?.usage).toEqual({
      promptTokens: 20,
      completionTokens: 10,
      calls: 1,
    });
  });

  it("answers from the samples that finished, partial, when the budget cuts a later one", async () => {
    // Word tokens: a 3-token prompt, samples of 2 and 10 tokens in turn.
    const backend = createScriptedBackend({ responses: ["#### 4", "x x x x x x x x #### 5"] });
    const result = await solve({
      problem: { question: "2+2=?", prompt: { kind: "text", text: "Q: 2+2=? A:" } },
      strategy: "sc@3",
      backend,
      budget: { maxTotalTokens: 20 },
    });
    // One sample measured (5 tokens spent), then two sized at 2 each and asked for (20 − 5 − 3) / 2 = 6
    // tokens each: the 10-token one is cut at 6, spent but no sample.
    expect(backend.calls.map((call) => [call.request.n, call.request.maxTokens])).toEqual([
      [1, 17],
      [2, 6],
    ]);
    expect(result.candidates.map((candidate) => [candidate.text, candidate.finishReason])).toEqual([
      ["#### 4", "stop"],
      ["#### 4", "stop"],
    ]);
    expect(result).toMatchObject({ answer: "4", partial: true, stoppedBy: "tokens" });
    expect(result.usage).toEqual({ promptTokens: 6, completionTokens: 2 + 6 + 2, calls: 2 });
  });

  it("ends as an exhausted budget does when the prompt alone does not fit: no call, BudgetExhaustedError", async () => {
    const backend = characterTokensBackend({ completionTokens: 15 });
    const run = solve({ problem, strategy: "sc@2", backend, budget: { maxTotalTokens: 10 } });
    const error = await run.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("tokens");
    expect((error as BudgetExhaustedError).spent?.usage.calls).toBe(0);
    expect(backend.calls).toHaveLength(0);
  });
});

describe("solve under a total-token budget, on a backend that charges the prompt once per completion", () => {
  it("sizes calls of several samples with a prompt for each: sc@4 at 140 spends 100, not 150", async () => {
    const backend = characterTokensBackend({
      completionTokens: 30,
      capabilities: { promptPerCompletion: true },
    });
    const result = await solve({ problem, strategy: "sc@4", backend, budget: { maxTotalTokens: 140 } });
    // A measuring sample of 20 + 30; two more would cost 100 of the 90 left, so one; then 40 are left.
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 1]);
    expect(result).toMatchObject({ partial: true, stoppedBy: "tokens" });
    expect(result.usage).toEqual({ promptTokens: 40, completionTokens: 60, calls: 2 });
  });

  it("keeps sc@4, bon@4, asc@8 and mass@8 within 140, 200 and 300 tokens", async () => {
    for (const strategy of ["sc@4", "bon@4", "asc@8", "mass@8"]) {
      for (const maxTotalTokens of [140, 200, 300]) {
        const backend = characterTokensBackend({
          completionTokens: 30,
          capabilities: { promptPerCompletion: true },
        });
        const result = await solve({
          problem,
          strategy,
          backend,
          seed: 1,
          budget: { maxTotalTokens },
          ...(strategy.startsWith("bon") ? { scorer: labOutcomeChecker() } : {}),
        });
        const { promptTokens = 0, completionTokens = 0 } = result.usage;
        expect(result.candidates.length).toBeGreaterThan(0);
        // Each completion is charged its 20-token prompt.
        expect(promptTokens).toBe(20 * backend.calls.reduce((sum, call) => sum + (call.request.n ?? 1), 0));
        expect(promptTokens + completionTokens, `${strategy} at ${maxTotalTokens}`).toBeLessThanOrEqual(
          maxTotalTokens,
        );
      }
    }
  });
});
