import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "./errors/index.ts";
import { characterTokensBackend } from "./generation/character-tokens-backend.test-support.ts";
import { solve } from "./solve.ts";

// 20 characters: 20 tokens to the backend, which counts them as the lab models' tokenizer does.
const problem = {
  question: "123+45+67+89=?",
  prompt: { kind: "text", text: "Q: 123+45+67+89=? A:" },
} as const;

describe("solve under a total-token budget, on a backend that counts prompt tokens", () => {
  it("holds the budget on the first call: sc@2 with 30 tokens writes one 10-token sample", async () => {
    const backend = characterTokensBackend({ completionTokens: 15 });
    const result = await solve({ problem, strategy: "sc@2", backend, budget: { maxTotalTokens: 30 } });
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([10]);
    expect(result.usage).toEqual({ promptTokens: 20, completionTokens: 10, calls: 1 });
    expect(result).toMatchObject({ partial: true, stoppedBy: "tokens" });
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
