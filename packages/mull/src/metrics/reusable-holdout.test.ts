import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { Rng } from "../spec/index.ts";
import { reusableHoldout } from "./reusable-holdout.ts";

/** An rng that returns `values` in turn, then 0.5 (a Laplace draw of 0). */
function scripted(values: readonly number[]): Rng {
  let index = 0;
  const rng: Rng = { next: () => values[index++] ?? 0.5, nextSeed: () => 0, fork: () => rng };
  return rng;
}

describe("reusableHoldout", () => {
  it("answers with the search value while the holdout agrees, telling nothing of the holdout", () => {
    const holdout = reusableHoldout({ rng: seededRng(3), noise: 0 });
    expect(holdout.query(0.8, 0.78)).toEqual({ value: 0.8, source: "search" });
    expect(holdout.query(0.5, 0.53)).toEqual({ value: 0.5, source: "search" });
    expect(holdout.remaining).toBe(16);
  });

  it("answers with the holdout's value when the search value overfits, and spends its budget", () => {
    const holdout = reusableHoldout({ rng: seededRng(3), noise: 0, budget: 2 });
    expect(holdout.query(0.9, 0.7)).toEqual({ value: 0.7, source: "holdout" });
    expect(holdout.remaining).toBe(1);
    expect(holdout.query(0.2, 0.6)).toEqual({ value: 0.6, source: "holdout" });
    expect(holdout.remaining).toBe(0);
    // Spent: only the search value may be told from now on.
    expect(holdout.query(0.9, 0.1)).toEqual({ value: 0.9, source: "spent" });
  });

  it("adds Laplace noise of the given scale to holdout answers, the same under the same seed", () => {
    const answers = (seed: number) => {
      const holdout = reusableHoldout({ rng: seededRng(seed), noise: 0.01, budget: 2000 });
      return Array.from({ length: 2000 }, () => holdout.query(1, 0.5).value - 0.5);
    };
    const deviations = answers(7);
    expect(answers(7)).toEqual(deviations);
    expect(answers(8)).not.toEqual(deviations);
    const mean = deviations.reduce((sum, value) => sum + value, 0) / deviations.length;
    const meanAbsolute = deviations.reduce((sum, value) => sum + Math.abs(value), 0) / deviations.length;
    // A Laplace draw of scale b has mean 0 and mean absolute value b.
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(meanAbsolute).toBeGreaterThan(0.008);
    expect(meanAbsolute).toBeLessThan(0.012);
  });

  it("draws a fresh noisy threshold after each holdout answer, as Thresholdout does", () => {
    // The first draw, 0, is the most negative Laplace draw: 0.04 + 0.02 · ln(2ε) ≈ −0.67, below 0, so any
    // gap goes to the holdout. Every later draw is 0.5 (no noise): the redrawn threshold is the plain 0.04.
    const holdout = reusableHoldout({ rng: scripted([0]), threshold: 0.04, noise: 0.01 });
    expect(holdout.query(0.5, 0.6)).toEqual({ value: 0.6, source: "holdout" });
    // A gap of 0.02, within the redrawn 0.04: the search value. Kept at the first threshold, the holdout's.
    expect(holdout.query(0.5, 0.52)).toEqual({ value: 0.5, source: "search" });
    expect(holdout.remaining).toBe(15);
  });

  it("lets equal values agree whatever the noise draws: the noisy threshold does not go below 0", () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      // Noise as large as the threshold: without a floor the threshold would go below 0 about a third of the time.
      const holdout = reusableHoldout({ rng: seededRng(seed), noise: 0.04 });
      expect(holdout.query(1, 1)).toEqual({ value: 1, source: "search" });
      expect(holdout.query(0.5, 0.5)).toEqual({ value: 0.5, source: "search" });
      expect(holdout.remaining).toBe(16);
    }
  });

  it("clamps holdout answers, noise included, to the range of an accuracy", () => {
    const holdout = reusableHoldout({ rng: seededRng(5), threshold: 0, noise: 0.05, budget: 400 });
    const answered = (holdoutValue: number) =>
      Array.from({ length: 200 }, () => holdout.query(0.5, holdoutValue)).filter(
        (answer) => answer.source === "holdout",
      );
    const high = answered(1);
    const low = answered(0);
    expect(high.length).toBeGreaterThan(150);
    expect(low.length).toBeGreaterThan(150);
    expect(Math.max(...high.map((answer) => answer.value))).toBe(1);
    expect(Math.min(...low.map((answer) => answer.value))).toBe(0);
    // Noise still moves the answers inside the range: some are below 1 and above 0.
    expect(high.some((answer) => answer.value < 1)).toBe(true);
    expect(low.some((answer) => answer.value > 0)).toBe(true);
  });

  it("takes another range: an open side leaves answers there unclamped", () => {
    const holdout = reusableHoldout({ rng: seededRng(5), threshold: 0, noise: 0.05, range: { maximum: 1 } });
    const answers = Array.from({ length: 10 }, () => holdout.query(0.5, -0.2).value);
    expect(answers.some((value) => value < -0.2)).toBe(true);
    expect(answers.every((value) => value <= 1)).toBe(true);
  });

  it("refuses a query outside the range and a range whose ends are crossed or not numbers", () => {
    const holdout = reusableHoldout({ rng: seededRng(1) });
    const outside = thrownConfigError(() => holdout.query(0.5, 1.2));
    expect(outside.message).toBe("reusableHoldout query: holdoutValue must be a number from 0 to 1, got 1.2");
    expect(outside.field).toBe("holdoutValue");
    expect(thrownConfigError(() => holdout.query(Number.NaN, 0.5)).field).toBe("searchValue");
    const crossed = thrownConfigError(() =>
      reusableHoldout({ rng: seededRng(1), range: { minimum: 1, maximum: 0 } }),
    );
    expect(crossed.message).toBe(
      'reusableHoldout: range must have its minimum at most its maximum, got {"minimum":1,"maximum":0}',
    );
    expect(crossed.field).toBe("range");
    const untyped = reusableHoldout as (options: unknown) => unknown;
    const word = thrownConfigError(() => untyped({ rng: seededRng(1), range: { minimum: "0" } }));
    expect(word.field).toBe("range.minimum");
    expect(word.message).toBe('reusableHoldout: range.minimum must be a number, got "0"');
    expect(thrownConfigError(() => untyped({ rng: seededRng(1), range: 1 })).message).toBe(
      "reusableHoldout: range must be an object { minimum?, maximum? }, got 1",
    );
  });

  it("refuses a negative threshold or noise and a budget below 1, naming the option", () => {
    const refusal = (() => {
      try {
        reusableHoldout({ rng: seededRng(1), threshold: -0.1 });
      } catch (error) {
        return error;
      }
    })();
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect(refusal).toMatchObject({
      field: "threshold",
      message: "reusableHoldout: threshold must be a number ≥ 0, got -0.1",
    });
    expect(() => reusableHoldout({ rng: seededRng(1), noise: -1 })).toThrow(/noise/);
    expect(() => reusableHoldout({ rng: seededRng(1), budget: 0 })).toThrow(/budget must be an integer ≥ 1/);
  });

  it("names its options object and its rng when called from plain JavaScript without them", () => {
    const untyped = reusableHoldout as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("reusableHoldout: expected an options object { rng, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({}));
    expect(malformed.message).toBe(
      "reusableHoldout: rng: missing; expected an rng (an object with a next method)",
    );
    expect(malformed.field).toBe("rng");
  });
});
