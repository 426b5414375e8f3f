import { describe, expect, it } from "vitest";
import { classProbabilities } from "./class-probabilities.ts";

describe("classProbabilities", () => {
  it("keeps a vector that is already a probability distribution", () => {
    const probabilities = [0.25, 0.75];
    expect(classProbabilities(probabilities)).toBe(probabilities);
    expect(classProbabilities([0.3333, 0.3333, 0.3334])).toEqual([0.3333, 0.3333, 0.3334]);
  });

  it("applies a softmax to logits", () => {
    const [negative, positive] = classProbabilities([0, 2]);
    expect(positive).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2)), 12);
    expect(negative! + positive!).toBeCloseTo(1, 12);
  });

  it("reads values in [0, 1] that do not sum to 1 as logits", () => {
    const result = classProbabilities([0.5, 0.9]);
    expect(result[1]).toBeCloseTo(Math.exp(0.9) / (Math.exp(0.5) + Math.exp(0.9)), 12);
  });

  it("reads a vector with a negative value as logits even when it sums to 1", () => {
    const result = classProbabilities([-1, 2]);
    expect(result[1]).toBeCloseTo(Math.exp(2) / (Math.exp(-1) + Math.exp(2)), 12);
  });

  it("stays finite for large logits", () => {
    const result = classProbabilities([1000, 1001]);
    expect(result[1]).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1)), 12);
  });
});
