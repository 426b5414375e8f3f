import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../spec/index.ts";
import { instabilityMeter } from "./instability-meter.ts";
import { tokenInstability } from "./token-instability.ts";

function position(probabilities: Readonly<Record<string, number>>): TokenLogprob {
  const entries = Object.entries(probabilities);
  return {
    token: entries[0]![0],
    logprob: Math.log(entries[0]![1]),
    topLogprobs: entries.map(([token, probability]) => ({ token, logprob: Math.log(probability) })),
  };
}

describe("instabilityMeter", () => {
  it("measures each position against the last one that had alternatives", () => {
    const measure = instabilityMeter({ k: 20, entropyWeight: 2 });
    const first = measure(position({ a: 1 }));
    expect(first).toEqual({ entropy: 0, divergence: 0, instability: 0 });
    expect(measure({ token: "x", logprob: -1 })).toBeUndefined();
    // From (1) to (0.5, 0.5): m = (0.75, 0.25), JSD = ½ ln(1/0.75) + ½ (½ ln(0.5/0.75) + ½ ln 2).
    const divergence = 0.5 * Math.log(1 / 0.75) + 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2));
    const second = measure(position({ a: 0.5, b: 0.5 }));
    expect(second?.divergence).toBeCloseTo(divergence, 12);
    expect(second?.entropy).toBeCloseTo(Math.LN2, 12);
    expect(second?.instability).toBeCloseTo(divergence + 2 * Math.LN2, 12);
  });

  it("gives the steps tokenInstability reports, one token at a time", () => {
    const tokens = [
      position({ a: 0.6, b: 0.3, c: 0.1 }),
      { token: "x", logprob: -1 },
      position({ b: 0.7, a: 0.2, d: 0.1 }),
      position({ e: 0.5, f: 0.5 }),
    ];
    const measure = instabilityMeter({ k: 2, entropyWeight: 0.5 });
    const steps = tokens.map((token) => measure(token)).filter((step) => step !== undefined);
    expect(steps).toEqual(tokenInstability(tokens, { k: 2, entropyWeight: 0.5 })?.steps);
  });

  it("takes the top k's entropy where the reported entropy is not a finite number", () => {
    for (const entropy of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const step = instabilityMeter({ k: 2, entropyWeight: 1 })({ ...position({ a: 0.5, b: 0.5 }), entropy });
      expect(step?.entropy).toBeCloseTo(Math.LN2, 12);
      expect(step?.instability).toBeCloseTo(Math.LN2, 12);
    }
  });
});
