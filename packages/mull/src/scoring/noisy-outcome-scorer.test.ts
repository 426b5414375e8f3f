import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { OutcomeScorer } from "../spec/index.ts";
import { noisyOutcomeScorer } from "./noisy-outcome-scorer.ts";
import { programmaticScorer } from "./programmatic-scorer.ts";

const exact = programmaticScorer({
  name: "exact",
  check: (problem, solution) => solution.answer === problem.gold,
});
const problem = { id: "p", question: "6 × 7?", gold: "42" };
/** Solutions with distinct texts, half right. */
const solutions = Array.from({ length: 4000 }, (_, index) => ({
  text: `solution ${index}`,
  answer: index % 2 === 0 ? "42" : "41",
}));

async function verdicts(falsePositiveRate: number, falseNegativeRate: number, seed = 0) {
  const scorer = noisyOutcomeScorer({ base: exact, falsePositiveRate, falseNegativeRate, seed });
  return (await scorer.score(problem, solutions)).scores;
}

describe("noisyOutcomeScorer", () => {
  it("flips failing verdicts at the false-positive rate and passing ones at the false-negative rate", async () => {
    const scores = await verdicts(0.2, 0.05);
    const wrongPassed = scores.filter((score, index) => index % 2 === 1 && score.value === 1).length;
    const rightFailed = scores.filter((score, index) => index % 2 === 0 && score.value === 0).length;
    // 2,000 of each: a rate's standard error is under 0.01.
    expect(wrongPassed / 2000).toBeGreaterThan(0.17);
    expect(wrongPassed / 2000).toBeLessThan(0.23);
    expect(rightFailed / 2000).toBeGreaterThan(0.035);
    expect(rightFailed / 2000).toBeLessThan(0.065);
    const flipped = scores.find((score, index) => index % 2 === 1 && score.value === 1);
    expect(flipped?.detail).toContain("flipped: reported passed");
    expect(flipped?.scorer).toBe("noisy(exact,fp=0.2,fn=0.05)");
  });

  it("gives a solution the same verdict every time, and other verdicts under another seed", async () => {
    const [first, again, other] = [
      await verdicts(0.3, 0.3),
      await verdicts(0.3, 0.3),
      await verdicts(0.3, 0.3, 1),
    ];
    expect(again.map((score) => score.value)).toEqual(first.map((score) => score.value));
    expect(other.map((score) => score.value)).not.toEqual(first.map((score) => score.value));
    // Scored alone, a solution keeps the verdict it had in the batch.
    const scorer = noisyOutcomeScorer({ base: exact, falsePositiveRate: 0.3, falseNegativeRate: 0.3 });
    const alone = await scorer.score(problem, [solutions[7]!]);
    expect(alone.scores[0]?.value).toBe(first[7]?.value);
  });

  it("with rates 0 reports the base verdicts, with a false-positive rate of 1 passes every wrong solution", async () => {
    expect((await verdicts(0, 0)).map((score) => score.value)).toEqual(
      solutions.map((solution) => (solution.answer === "42" ? 1 : 0)),
    );
    expect((await verdicts(1, 0)).every((score) => score.value === 1)).toBe(true);
  });

  it("counts a base score of exactly 0.5 as passed", async () => {
    const half: OutcomeScorer = {
      name: "half",
      score: async (_problem, scored) => ({
        scores: scored.map(() => ({ scorer: "half", kind: "outcome" as const, value: 0.5 })),
        calls: 0,
      }),
    };
    // Every failed verdict would flip at a false-positive rate of 1; a passed one never flips at 0.
    const scorer = noisyOutcomeScorer({ base: half, falsePositiveRate: 1, falseNegativeRate: 0 });
    const { scores } = await scorer.score(problem, solutions.slice(0, 20));
    for (const score of scores) {
      expect(score.value).toBe(0.5);
      expect(score.detail).toBeUndefined();
    }
  });

  it("refuses a rate outside [0, 1]", () => {
    expect(() => noisyOutcomeScorer({ base: exact, falsePositiveRate: 1.5, falseNegativeRate: 0 })).toThrow(
      ConfigError,
    );
    expect(() => noisyOutcomeScorer({ base: exact, falsePositiveRate: 0, falseNegativeRate: -0.1 })).toThrow(
      /falseNegativeRate/,
    );
  });

  it("names its options object and its base scorer when called from plain JavaScript without them", () => {
    const untyped = noisyOutcomeScorer as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("noisyOutcomeScorer: expected an options object { base, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({ falsePositiveRate: 0, falseNegativeRate: 0 }));
    expect(malformed.message).toBe(
      "noisyOutcomeScorer: base: missing; expected an outcome scorer (an object with a score method)",
    );
    expect(malformed.field).toBe("base");
  });
});
