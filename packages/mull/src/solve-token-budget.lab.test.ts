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
        // A budget that cuts every sample mid-way leaves no candidate: what was spent is on the error.
        const usage = await solve({
          problem,
          strategy: "sc@2",
          backend,
          profile: labProfile(),
          seed,
          budget: { maxTotalTokens },
        }).then(
          (result) => result.usage,
          (error: unknown) => {
            if (!BudgetExhaustedError.isInstance(error)) throw error;
            return error.spent?.usage;
          },
        );
        const { promptTokens, completionTokens } = usage ?? {};
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

describe.skipIf(!lab.present)("samples a token budget cuts mid-way, on the embedded lab-v2-large", () => {
  let backend: LlamaCppBackend;
  const profile = labProfile({ recommendedTemperature: 1 });

  beforeAll(async () => {
    backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
  });

  afterAll(async () => {
    await backend?.dispose();
  });

  it("greedy under max_completion_tokens 10: the one sample is cut, so the budget ran out before any answer", async () => {
    // Its solution, "\n412+307=719\n719-95=624\n#### 624", takes more than 10 tokens; cut at 10 it would
    // answer "7".
    for (const strategy of ["greedy", "single", "sc@1"]) {
      const error = await solve({
        problem: "412+307-95=?",
        strategy,
        backend,
        profile,
        seed: 5,
        budget: { maxCompletionTokens: 10 },
      }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(BudgetExhaustedError.isInstance(error)).toBe(true);
      expect((error as BudgetExhaustedError).reason).toBe("completion-tokens");
      expect((error as BudgetExhaustedError).spent?.usage).toMatchObject({ completionTokens: 10, calls: 1 });
    }
  }, 60_000);

  it("asc@4 under max_total_tokens 140: no cut sample votes, and the run is partial", async () => {
    const result = await solve({
      problem: "412+307-95=?",
      strategy: "asc@4",
      backend,
      profile,
      seed: 5,
      budget: { maxTotalTokens: 140 },
    });
    expect(result).toMatchObject({ partial: true, stoppedBy: "tokens" });
    expect(result.candidates.length).toBeGreaterThan(0);
    expect(result.candidates.every((candidate) => candidate.finishReason === "stop")).toBe(true);
    const votes = Object.values(result.votes ?? {}).reduce((sum, count) => sum + count, 0);
    expect(votes).toBe(result.candidates.length);
    // The cut sample was charged: the run spent more than its candidates' tokens.
    const kept = result.candidates.reduce((sum, candidate) => sum + (candidate.completionTokens ?? 0), 0);
    expect(result.usage.completionTokens).toBeGreaterThan(kept);
    const { promptTokens = 0, completionTokens = 0 } = result.usage;
    expect(promptTokens + completionTokens).toBeLessThanOrEqual(140);
  }, 60_000);
});

describe.skipIf(!lab.present)(
  "token budgets of sampling strategies on the embedded lab-v2-large, which charges the prompt per completion",
  () => {
    let backend: LlamaCppBackend;

    beforeAll(async () => {
      backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
    });

    afterAll(async () => {
      await backend?.dispose();
    });

    it("spends no more than max_total_tokens with sc@4, bon@4, asc@8 and mass@8 at 140, 200 and 300", async () => {
      expect((await backend.capabilities()).promptPerCompletion).toBe(true);
      // `Q: 412+307-95=? A:`: 19 prompt tokens, charged for each sample; its samples take 32 tokens.
      for (const strategy of ["sc@4", "bon@4", "asc@8", "mass@8"]) {
        for (const maxTotalTokens of [140, 200, 300]) {
          const usage = await solve({
            problem: "412+307-95=?",
            strategy,
            backend,
            profile: labProfile(),
            seed: 5,
            budget: { maxTotalTokens },
          }).then(
            (result) => result.usage,
            (error: unknown) => {
              if (!BudgetExhaustedError.isInstance(error)) throw error;
              return error.spent?.usage;
            },
          );
          const { promptTokens = 0, completionTokens = 0 } = usage ?? {};
          expect(completionTokens, `${strategy} at ${maxTotalTokens}`).toBeGreaterThan(0);
          expect(promptTokens + completionTokens, `${strategy} at ${maxTotalTokens}`).toBeLessThanOrEqual(
            maxTotalTokens,
          );
        }
      }
    }, 120_000);
  },
);
