import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { AnswerFormat } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { cascade } from "./cascade.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

describe("cascade under a budget that cannot pay for its first model", () => {
  it("throws BudgetExhaustedError with the limit's reason, and no model is called", async () => {
    const small = createScriptedBackend({ responses: ["#### 7"], model: "small" });
    const large = createScriptedBackend({ responses: ["#### 9"], model: "large" });
    const strategy = cascade({
      models: [
        { name: "small", backend: small },
        { name: "large", backend: large },
      ],
      small: 4,
    });
    const error = await solve({
      problem: "q",
      strategy,
      backend: small,
      answerFormat: hashFormat,
      budget: { maxCalls: 0 },
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(BudgetExhaustedError.isInstance(error)).toBe(true);
    expect((error as BudgetExhaustedError).reason).toBe("calls");
    expect(small.calls).toHaveLength(0);
    expect(large.calls).toHaveLength(0);
  });
});
