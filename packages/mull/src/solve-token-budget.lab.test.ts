import { createLlamaCppBackend, type LlamaCppBackend } from "@mull/llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsUnderTest } from "./cli/lab-models-under-test.test-support.ts";
import { BudgetExhaustedError } from "./errors/index.ts";
import { labProfile } from "./lab/index.ts";
import { solve } from "./solve.ts";

const lab = labModelsUnderTest(["lab-v2-large"]);
if (lab.missing !== undefined) console.log(lab.missing);

// `Q: 539-467+192=? A:`: 19 characters, so 20 tokens to the lab tokenizer (a token per character and the
// beginning-of-sequence token), where four characters a token would estimate 5.
const problem = { question: "539-467+192=?" };

describe.skipIf(!lab.present)("token budgets of sc@2 on the embedded lab-v2-large", () => {
  let backend: LlamaCppBackend;

  beforeAll(async () => {
    backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
  });

  afterAll(async () => {
    await backend?.dispose();
  });

  it("spends no more than max_total_tokens, the first call included", async () => {
    expect(await backend.countTokens({ kind: "text", text: "Q: 539-467+192=? A:" })).toBe(20);
    for (const maxTotalTokens of [30, 60]) {
      for (const seed of [1, 2, 3]) {
        const result = await solve({
          problem,
          strategy: "sc@2",
          backend,
          profile: labProfile(),
          seed,
          budget: { maxTotalTokens },
        });
        const { promptTokens, completionTokens } = result.usage;
        expect(completionTokens).toBeGreaterThan(0);
        expect((promptTokens ?? 0) + (completionTokens ?? 0)).toBeLessThanOrEqual(maxTotalTokens);
      }
    }
  }, 60_000);

  it("makes no call on a budget below the prompt, and says the budget ran out of tokens", async () => {
    const error = await solve({
      problem,
      strategy: "sc@2",
      backend,
      profile: labProfile(),
      budget: { maxTotalTokens: 10 },
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("tokens");
    expect((error as BudgetExhaustedError).spent?.usage).toMatchObject({ calls: 0 });
  });
});
