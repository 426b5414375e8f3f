import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { calibrateGlimpHandoff, calibrateGlimpThreshold } from "./calibrate-glimp-threshold.ts";

describe("calibrateGlimpThreshold", () => {
  it("takes the quantile above which the target share of steps lies", () => {
    const entropies = [1.4, 0.01, 0.9, 0.02, 0.3, 0.05, 0.6, 0.04, 0.2, 0.03];
    expect(calibrateGlimpThreshold(entropies, 0.3)).toBe(0.6);
    expect(entropies.filter((entropy) => entropy >= 0.6)).toHaveLength(3);
    expect(calibrateGlimpThreshold(entropies, 0.1)).toBe(1.4);
    // Every step, or none beyond the most uncertain one.
    expect(calibrateGlimpThreshold(entropies, 1)).toBe(0.01);
    expect(calibrateGlimpThreshold(entropies, 0)).toBe(1.4);
    expect(calibrateGlimpThreshold([], 0.3)).toBe(0);
  });

  it("refuses a share outside 0 to 1", () => {
    expect(() => calibrateGlimpThreshold([0.1], 1.5)).toThrow(ConfigError);
    expect(() => calibrateGlimpThreshold([0.1], Number.NaN)).toThrow(/calibrateGlimpThreshold.*share/);
  });
});

describe("calibrateGlimpHandoff", () => {
  // Seven steps; from a solution's first step at or above τ, every later one is the large model's.
  const solutions = [
    [0.1, 0.8, 0.2],
    [0.1, 0.1, 0.1, 0.5],
  ];

  it("counts the steps from each solution's first uncertain one to its end", () => {
    // τ 0.8: the last two steps of the first solution (2 of 7); τ 0.5 and τ 0.2: those and the last of the
    // second (3), the lowest such τ taken; τ 0.1: all seven.
    expect(calibrateGlimpHandoff(solutions, 0.3)).toBe(0.8);
    expect(calibrateGlimpHandoff(solutions, 3 / 7)).toBe(0.2);
    expect(calibrateGlimpHandoff(solutions, 0.5)).toBe(0.2);
    expect(calibrateGlimpHandoff(solutions, 1)).toBe(0.1);
  });

  it("lands above the per-step quantile for the same share, since the steps after a handover follow it", () => {
    const flat = calibrateGlimpThreshold(solutions.flat(), 2 / 7);
    expect(flat).toBe(0.5);
    expect(calibrateGlimpHandoff(solutions, 2 / 7)).toBe(0.8);
  });

  it("gives the highest entropy when no τ hands over little enough, and 0 without entropies", () => {
    expect(calibrateGlimpHandoff(solutions, 0.1)).toBe(0.8);
    expect(calibrateGlimpHandoff([], 0.4)).toBe(0);
    expect(() => calibrateGlimpHandoff(solutions, -0.1)).toThrow(/calibrateGlimpHandoff.*share/);
  });
});
