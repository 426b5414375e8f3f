import { describe, expect, it } from "vitest";
import { checkLabSteps, generateLabProblems, labProcessReward } from "../lab/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { noisyProcessReward } from "./noisy-process-reward.ts";

const problems = generateLabProblems({ level: 6, count: 60, seed: 2 });

/** Plausible lab steps for a problem: the true ones, and one wrong variant of each. */
function stepsOf(question: string): { right: string[]; wrong: string[] } {
  const numbers = question.match(/\d+/g)!.map(Number);
  const operators = question.match(/[+-]/g)!;
  const right: string[] = [];
  const wrong: string[] = [];
  let current = numbers[0]!;
  operators.forEach((operator, index) => {
    const operand = numbers[index + 1]!;
    const result = operator === "+" ? current + operand : current - operand;
    right.push(`${current}${operator}${operand}=${result}`);
    wrong.push(`${current}${operator}${operand}=${result + 10}`);
    current = result;
  });
  return { right, wrong };
}

describe("noisyProcessReward", () => {
  it("flips verdicts at the set false-positive and false-negative rates", async () => {
    const prm = noisyProcessReward({
      base: labProcessReward(),
      falsePositiveRate: 0.2,
      falseNegativeRate: 0.1,
      seed: 5,
    });
    let goodSteps = 0;
    let falseNegatives = 0;
    let badSteps = 0;
    let falsePositives = 0;
    for (const problem of problems) {
      const { right, wrong } = stepsOf(problem.question);
      // Each right prefix plus its wrong variant of the next step: the last step is good or bad.
      const solutions = right.flatMap((_, index) => [
        right.slice(0, index + 1),
        [...right.slice(0, index), wrong[index]!],
      ]);
      const { results } = await prm.score(problem, solutions);
      results.forEach((result, index) => {
        const truth = checkLabSteps(problem, solutions[index]!).at(-1);
        const said = result.rewards.at(-1)! >= 0.5;
        if (truth) {
          goodSteps += 1;
          if (!said) falseNegatives += 1;
        } else {
          badSteps += 1;
          if (said) falsePositives += 1;
        }
      });
    }
    // 360 good and 360 bad steps: three standard errors are about ±0.05 and ±0.06.
    expect(goodSteps).toBe(360);
    expect(falseNegatives / goodSteps).toBeGreaterThan(0.1 - 0.05);
    expect(falseNegatives / goodSteps).toBeLessThan(0.1 + 0.05);
    expect(falsePositives / badSteps).toBeGreaterThan(0.2 - 0.065);
    expect(falsePositives / badSteps).toBeLessThan(0.2 + 0.065);
  });

  it("gives a step the same verdict however often and in whatever batch it is scored; the seed changes it", async () => {
    const options = { base: labProcessReward(), falsePositiveRate: 0.3, falseNegativeRate: 0.3 };
    const problem = problems[0]!;
    const { right, wrong } = stepsOf(problem.question);
    const solutions = [right, [...right.slice(0, 3), ...wrong.slice(3)], right.slice(0, 2)];
    const prm = noisyProcessReward({ ...options, seed: 1 });
    const together = await prm.score(problem, solutions);
    const apart = await Promise.all(solutions.map((steps) => prm.score(problem, [steps])));
    expect(apart.map((batch) => batch.results[0])).toEqual(together.results);
    expect(together.results[2]!.rewards).toEqual(together.results[0]!.rewards.slice(0, 2));
    const again = await noisyProcessReward({ ...options, seed: 1 }).score(problem, solutions);
    expect(again.results).toEqual(together.results);
    const others = await Promise.all(
      [2, 3, 4, 5].map((seed) => noisyProcessReward({ ...options, seed }).score(problem, solutions)),
    );
    expect(others.some((batch) => JSON.stringify(batch.results) !== JSON.stringify(together.results))).toBe(
      true,
    );
  });

  it("is the base model at rates 0 and its opposite at rates 1, and rejects rates outside [0, 1]", async () => {
    const problem = problems[1]!;
    const { right, wrong } = stepsOf(problem.question);
    const solutions = [right, [right[0]!, wrong[1]!]];
    const exact = await labProcessReward().score(problem, solutions);
    const clean = noisyProcessReward({
      base: labProcessReward(),
      falsePositiveRate: 0,
      falseNegativeRate: 0,
    });
    expect((await clean.score(problem, solutions)).results).toEqual(exact.results);
    const contrary = noisyProcessReward({
      base: labProcessReward(),
      falsePositiveRate: 1,
      falseNegativeRate: 1,
    });
    expect((await contrary.score(problem, solutions)).results).toEqual(
      exact.results.map((result) => ({ rewards: result.rewards.map((reward) => 1 - reward) })),
    );
    expect(() =>
      noisyProcessReward({ base: labProcessReward(), falsePositiveRate: 1.5, falseNegativeRate: 0 }),
    ).toThrow(/falsePositiveRate/);
  });

  it("reports calibrated verdicts as the probability they are right, with the same flips", async () => {
    const problem = problems[2]!;
    const { right, wrong } = stepsOf(problem.question);
    const solutions = [right, [right[0]!, wrong[1]!, ...right.slice(2)]];
    const options = { base: labProcessReward(), falsePositiveRate: 0.1, falseNegativeRate: 0.3, seed: 4 };
    const hard = await noisyProcessReward(options).score(problem, solutions);
    const soft = await noisyProcessReward({ ...options, calibrated: true }).score(problem, solutions);
    const positive = 0.7 / (0.7 + 0.1);
    const negative = 0.3 / (0.3 + 0.9);
    expect(soft.results).toEqual(
      hard.results.map((result) => ({
        rewards: result.rewards.map((reward) => (reward === 1 ? positive : negative)),
      })),
    );
    const exactCalibrated = noisyProcessReward({
      ...options,
      falsePositiveRate: 0,
      falseNegativeRate: 0,
      calibrated: true,
    });
    expect((await exactCalibrated.score(problem, solutions)).results).toEqual(
      (await labProcessReward().score(problem, solutions)).results,
    );
  });

  it("names its options object and its base model when called from plain JavaScript without them", () => {
    const untyped = noisyProcessReward as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("noisyProcessReward: expected an options object { base, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({ falsePositiveRate: 0, falseNegativeRate: 0 }));
    expect(malformed.message).toBe(
      "noisyProcessReward: base: missing; expected a process reward model (an object with a score method)",
    );
    expect(malformed.field).toBe("base");
  });
});
