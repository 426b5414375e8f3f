import { describe, expect, it } from "vitest";
import { instabilityMeter } from "./instability-meter.ts";
import { tokenEntropy } from "./token-entropy.ts";

describe("tokenEntropy", () => {
  it("takes the backend's entropy of the whole distribution when given", () => {
    expect(tokenEntropy({ token: "a", logprob: -0.1, entropy: 1.25, topLogprobs: [] })).toBe(1.25);
  });

  it("renormalises the top alternatives otherwise, and knows nothing without them", () => {
    const half = Math.log(0.25);
    const flat = tokenEntropy({
      token: "a",
      logprob: half,
      topLogprobs: [half, half, half, half].map((logprob, rank) => ({ token: `${rank}`, logprob })),
    });
    expect(flat).toBeCloseTo(Math.log(4), 12);
    // Two alternatives of 0.3 and 0.1 weigh as 0.75 and 0.25.
    const skewed = tokenEntropy({
      token: "a",
      logprob: Math.log(0.3),
      topLogprobs: [
        { token: "a", logprob: Math.log(0.3) },
        { token: "b", logprob: Math.log(0.1) },
      ],
    });
    expect(skewed).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 12);
    expect(tokenEntropy({ token: "a", logprob: -0.1 })).toBeUndefined();
  });

  it("treats a reported entropy that is not finite as absent, as instabilityMeter does", () => {
    const half = Math.log(0.5);
    const topLogprobs = [
      { token: "a", logprob: half },
      { token: "b", logprob: half },
    ];
    for (const entropy of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const token = { token: "a", logprob: half, entropy, topLogprobs };
      expect(tokenEntropy(token)).toBeCloseTo(Math.LN2, 12);
      expect(tokenEntropy(token)).toBe(instabilityMeter({ k: 20, entropyWeight: 1 })(token)?.entropy);
    }
    expect(tokenEntropy({ token: "a", logprob: half, entropy: Number.NaN })).toBeUndefined();
  });
});
