import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, ConfigError } from "../errors/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { verifiedResampling } from "./verified-resampling.ts";

const checker = programmaticScorer({
  name: "checker",
  check: (problem, solution) => solution.answer === problem.gold,
});
const problem = { question: "What is 6 × 7?", gold: "42" };
/** An imperfect verifier: accepts 42, and 41 too (its false positive). */
const lenient = programmaticScorer({
  name: "lenient",
  check: (_problem, solution) => solution.answer === "42" || solution.answer === "41",
});

describe("verifiedResampling", () => {
  it("stops at the first sample the verifier accepts and answers it, charging only the samples drawn", async () => {
    const backend = createScriptedBackend({
      responses: ["#### 40", "#### 43", "#### 42", "#### 42", "#### 41"],
    });
    const result = await solve({ problem, strategy: verifiedResampling({ n: 5, scorer: checker }), backend });
    expect(result).toMatchObject({ answer: "42", stoppedBy: "condition:verifier-accepted", partial: false });
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["40", "43", "42"]);
    expect(result.best?.answer).toBe("42");
    expect(backend.calls).toHaveLength(3);
    expect(result.strategy).toBe("accept@5");
  });

  it("abstains when the verifier accepts none of the n, and says so in the trace", async () => {
    const backend = createScriptedBackend({ responses: ["#### 40", "#### 43", "#### 44"] });
    const result = await solve({ problem, strategy: "accept@3", scorer: checker, backend });
    expect(result.answer).toBeUndefined();
    expect(result.best).toBeUndefined();
    expect(result.candidates).toHaveLength(3);
    expect(result.stoppedBy).toBe("complete");
    const notes = result.trace.filter((event) => event.type === "note").map((event) => event.message);
    expect(notes).toContain("accept@3: the verifier checker accepted none of 3 samples at 0.5; abstaining");
  });

  it("answers a false positive like a true one: a lenient verifier stops at the first 41", async () => {
    const backend = createScriptedBackend({ responses: ["#### 41", "#### 42"] });
    const result = await solve({ problem, strategy: verifiedResampling({ n: 2, scorer: lenient }), backend });
    expect(result.answer).toBe("41");
    expect(result.candidates).toHaveLength(1);
  });

  it("accepts a score exactly at the threshold", async () => {
    // The checker scores a right answer 1: at threshold 1, the first 42 is accepted.
    const backend = createScriptedBackend({ responses: ["#### 40", "#### 42", "#### 42"] });
    const result = await solve({
      problem,
      strategy: verifiedResampling({ n: 3, threshold: 1, scorer: checker }),
      backend,
    });
    expect(result).toMatchObject({ answer: "42", stoppedBy: "condition:verifier-accepted" });
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["40", "42"]);
  });

  it("with a threshold above every score accepts nothing, and equals drawing all n", async () => {
    const responses = ["#### 42", "#### 41", "#### 42"];
    const strict = await solve({
      problem,
      strategy: "accept@3t2",
      scorer: checker,
      backend: createScriptedBackend({ responses }),
    });
    expect(strict.strategy).toBe("accept@3t2");
    expect(strict.candidates.map((candidate) => candidate.answer)).toEqual(["42", "41", "42"]);
    expect(strict.answer).toBeUndefined();
    expect(strict.usage.completionTokens).toBeGreaterThan(0);
  });

  it("makes no call under maxScoreCalls: 0, since it can accept nothing unscored", async () => {
    const backend = createScriptedBackend({ responses: ["#### 42"] });
    const refused = await rejection(
      solve({ problem, strategy: "accept@4", scorer: checker, backend, budget: { maxScoreCalls: 0 } }),
    );
    expect(BudgetExhaustedError.isInstance(refused)).toBe(true);
    expect((refused as BudgetExhaustedError).reason).toBe("score-calls");
    expect((refused as BudgetExhaustedError).spent?.usage.calls).toBe(0);
    expect(backend.calls).toHaveLength(0);
  });

  it("draws no sample past its last scorer call: each one drawn is scored", async () => {
    const backend = createScriptedBackend({ responses: ["#### 40", "#### 43", "#### 42"] });
    const result = await solve({
      problem,
      strategy: "accept@4",
      scorer: checker,
      backend,
      budget: { maxScoreCalls: 2 },
    });
    expect(result).toMatchObject({
      answer: undefined,
      stoppedBy: "score-calls",
      partial: true,
      scoreCalls: 2,
    });
    expect(result.candidates.map((candidate) => candidate.scores.length)).toEqual([1, 1]);
    expect(backend.calls).toHaveLength(2);
  });

  it("needs a scorer by spec, and refuses a bad n", () => {
    expect(() => verifiedResampling({ n: 0, scorer: checker })).toThrow(ConfigError);
    return expect(
      solve({ problem, strategy: "accept@4", backend: createScriptedBackend({ responses: ["#### 42"] }) }),
    ).rejects.toThrow(/"accept@4" needs an outcome scorer/);
  });
});
