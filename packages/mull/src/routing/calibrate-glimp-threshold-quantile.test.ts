import { describe, expect, it } from "vitest";
import { calibrateGlimpThreshold } from "./calibrate-glimp-threshold.ts";

describe("calibrateGlimpThreshold between two ranks", () => {
  it("takes the entropy at index ⌊(1 − share)·n⌋, handing over at least the share", () => {
    // (1 − 0.3) · 4 = 2.8: index 2 of the sorted steps, 3; steps at or above it are 2 of 4 (≥ 0.3).
    expect(calibrateGlimpThreshold([4, 2, 1, 3], 0.3)).toBe(3);
  });
});
