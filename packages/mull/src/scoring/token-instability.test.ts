import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { tokenInstability } from "./token-instability.ts";

/** A position whose top alternatives have the given probabilities (the first is the token written). */
function position(probabilities: Readonly<Record<string, number>>): TokenLogprob {
  const entries = Object.entries(probabilities);
  return {
    token: entries[0]![0],
    logprob: Math.log(entries[0]![1]),
    topLogprobs: entries.map(([token, probability]) => ({ token, logprob: Math.log(probability) })),
  };
}

describe("tokenInstability", () => {
  it("computes entropy, divergence from the previous position and their sum, position by position", () => {
    const result = tokenInstability([
      position({ a: 0.9, b: 0.1 }),
      position({ a: 0.9, b: 0.1 }),
      position({ c: 0.5, d: 0.5 }),
    ]);
    const sure = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
    expect(result?.steps[0]?.entropy).toBeCloseTo(sure, 12);
    expect(result?.steps[0]?.divergence).toBe(0);
    expect(result?.steps[1]?.divergence).toBeCloseTo(0, 12);
    expect(result?.steps[2]?.entropy).toBeCloseTo(Math.LN2, 12);
    expect(result?.steps[2]?.divergence).toBeCloseTo(Math.LN2, 12);
    expect(result?.peak).toBeCloseTo(2 * Math.LN2, 12);
    expect(result?.peakIndex).toBe(2);
    expect(result?.peakPosition).toBe(1);
    expect(result?.phase).toBe("late");
  });

  it("renormalises the top k, weighs the entropy, and calls an early peak early", () => {
    const tokens = [
      position({ a: 0.3, b: 0.3, c: 0.2 }),
      position({ a: 0.98, b: 0.01 }),
      position({ a: 0.98, b: 0.01 }),
    ];
    const result = tokenInstability(tokens, { k: 2, entropyWeight: 2 });
    // Top 2 of the first position renormalised: (0.5, 0.5), entropy ln 2, weighted twice.
    expect(result?.steps[0]?.instability).toBeCloseTo(2 * Math.LN2, 12);
    expect(result?.peakIndex).toBe(0);
    expect(result?.phase).toBe("early");
    expect(tokenInstability(tokens, { earlyBefore: 0 })?.phase).toBe("late");
  });

  it("takes the whole distribution's entropy when the position carries it, and the top k's otherwise", () => {
    const flat = position({ a: 0.5, b: 0.5 });
    const withEntropy: TokenLogprob = { ...flat, entropy: 3 };
    const result = tokenInstability([withEntropy, flat], { entropyWeight: 2 });
    // The reported entropy (3 nats, a long flat tail the top 2 cannot show) replaces ln 2 at the first position.
    expect(result?.steps[0]?.entropy).toBe(3);
    expect(result?.steps[0]?.instability).toBeCloseTo(6, 12);
    // Without it the renormalised top k's entropy counts, and the divergence still comes from the alternatives.
    expect(result?.steps[1]?.entropy).toBeCloseTo(Math.LN2, 12);
    expect(result?.steps[1]?.divergence).toBeCloseTo(0, 12);
    expect(result?.peakIndex).toBe(0);
  });

  it("reports the first of tied peaks", () => {
    const flat = position({ a: 0.5, b: 0.5 });
    const result = tokenInstability([flat, flat]);
    expect(result?.steps[1]?.instability).toBeCloseTo(result!.steps[0]!.instability, 12);
    expect(result?.peakIndex).toBe(0);
    expect(result?.phase).toBe("early");
  });

  it("skips positions without alternatives, and is undefined when none has them", () => {
    expect(tokenInstability([{ token: "a", logprob: -0.1 }])).toBeUndefined();
    const result = tokenInstability([{ token: "a", logprob: -0.1 }, position({ a: 0.5, b: 0.5 })]);
    expect(result?.steps).toHaveLength(1);
    expect(result?.peakPosition).toBe(0);
  });

  it("refuses options out of range, naming the option, the value and the range", () => {
    const tokens = [position({ a: 0.5, b: 0.5 })];
    const refusals: [Parameters<typeof tokenInstability>[1], string, string][] = [
      [{ k: 0 }, "k", "must be an integer ≥ 1, got 0"],
      [{ k: -1 }, "k", "must be an integer ≥ 1, got -1"],
      [{ k: 2.5 }, "k", "must be an integer ≥ 1, got 2.5"],
      [{ entropyWeight: Number.NaN }, "entropyWeight", "must be a number ≥ 0, got NaN"],
      [{ entropyWeight: -5 }, "entropyWeight", "must be a number ≥ 0, got -5"],
      [{ earlyBefore: 7 }, "earlyBefore", "must be a number from 0 to 1, got 7"],
      [{ earlyBefore: -0.1 }, "earlyBefore", "must be a number from 0 to 1, got -0.1"],
    ];
    for (const [options, field, expected] of refusals) {
      const error = thrownConfigError(() => tokenInstability(tokens, options));
      expect(error.message).toBe(`tokenInstability: ${field} ${expected}`);
      expect(error.field).toBe(field);
    }
  });

  it("accepts the ends of each range", () => {
    const tokens = [position({ a: 0.5, b: 0.5 }), position({ a: 0.9, b: 0.1 })];
    const result = tokenInstability(tokens, { k: 1, entropyWeight: 0, earlyBefore: 1 });
    // One alternative per position: no entropy and no shift.
    expect(result?.peak).toBe(0);
    expect(result?.phase).toBe("early");
    expect(tokenInstability(tokens, { earlyBefore: 0 })?.phase).toBe("late");
  });

  it("falls back to the top k's entropy where the reported one is not finite", () => {
    const flat = position({ a: 0.5, b: 0.5 });
    const result = tokenInstability([{ ...flat, entropy: Number.NaN }]);
    expect(result?.steps[0]?.entropy).toBeCloseTo(Math.LN2, 12);
    expect(result?.peak).toBeCloseTo(Math.LN2, 12);
  });
});
