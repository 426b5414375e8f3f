import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../spec/index.ts";
import { stabilityScore } from "./stability-score.ts";

const position = (probabilities: readonly number[]): TokenLogprob => ({
  token: "t0",
  logprob: Math.log(probabilities[0]!),
  topLogprobs: probabilities.map((probability, rank) => ({
    token: `t${rank}`,
    logprob: Math.log(probability),
  })),
});

describe("stabilityScore", () => {
  it("scores exp(−peak instability) as a confidence, with the peak and its phase in the detail", () => {
    // The second position: entropy ln 2, and JSD from a sure first position (m = (0.75, 0.25)).
    const tokens = [position([1]), position([0.5, 0.5])];
    const divergence = 0.5 * Math.log(1 / 0.75) + 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2));
    const score = stabilityScore({ topLogprobs: 2 })(tokens);
    expect(score?.scorer).toBe("stability");
    expect(score?.kind).toBe("confidence");
    expect(score?.value).toBeCloseTo(Math.exp(-(divergence + Math.LN2)), 12);
    expect(score?.detail).toBe(`peak instability ${(divergence + Math.LN2).toFixed(3)} at 1.00 (late)`);
    // Without the entropy only the shift counts.
    expect(stabilityScore({ topLogprobs: 2, entropyWeight: 0 })(tokens)?.value).toBeCloseTo(
      Math.exp(-divergence),
      12,
    );
  });

  it("ranks a steady trace above a wavering one, and is undefined without alternatives", () => {
    const score = stabilityScore({ topLogprobs: 4 });
    const steady = score([position([0.97, 0.01, 0.01, 0.01]), position([0.97, 0.01, 0.01, 0.01])]);
    const wavering = score([position([0.97, 0.01, 0.01, 0.01]), position([0.25, 0.25, 0.25, 0.25])]);
    expect(steady!.value).toBeGreaterThan(wavering!.value);
    expect(score([{ token: "x", logprob: -1 }])).toBeUndefined();
  });

  it("refuses fewer than two alternatives and a negative entropy weight", () => {
    expect(() => stabilityScore({ topLogprobs: 1 })).toThrow(/topLogprobs must be an integer ≥ 2/);
    expect(() => stabilityScore({ topLogprobs: 2, entropyWeight: -1 })).toThrow(/entropyWeight/);
  });
});
