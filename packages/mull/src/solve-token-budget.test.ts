import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "./errors/index.ts";
import { characterTokensBackend } from "./generation/character-tokens-backend.test-support.ts";
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
