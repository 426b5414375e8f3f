import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../spec/index.ts";
import { traceConfidence } from "./trace-confidence.ts";

// A token whose two top alternatives give it confidence `confidence`: −(−c/2 − 3c/2)/2 = c.
function token(confidence: number): TokenLogprob {
  return {
    token: "x",
    logprob: -confidence / 2,
    topLogprobs: [
      { token: "x", logprob: -confidence / 2 },
      { token: "y", logprob: (-3 * confidence) / 2 },
    ],
  };
}

const confidences = [5, 5, 1, 3, 5, 5, 5, 5, 5, 5, 5, 5, 4, 2];
const tokens = confidences.map(token);

describe("traceConfidence", () => {
  it("by default is the lowest group confidence", () => {
    // Windows of 2: the lowest is (1 + 3) / 2.
    expect(traceConfidence(tokens, { k: 2, window: 2 })).toBeCloseTo(2, 12);
    expect(traceConfidence(tokens, { k: 2, window: 2, measure: "lowest-group" })).toBeCloseTo(2, 12);
  });

  it("bottom-10% averages the lowest tenth of the groups, at least one", () => {
    // 13 windows of 2 → one group: the lowest.
    expect(traceConfidence(tokens, { k: 2, window: 2, measure: "bottom-10%" })).toBeCloseTo(2, 12);
    // 20 windows of 1 (the tokens themselves) → the two lowest, 1 and 2.
    const long = [...confidences, 5, 5, 5, 5, 5, 5].map(token);
    expect(traceConfidence(long, { k: 2, window: 1, measure: "bottom-10%" })).toBeCloseTo(1.5, 12);
  });

  it("tail is the mean over the last window of tokens", () => {
    expect(traceConfidence(tokens, { k: 2, window: 3, measure: "tail" })).toBeCloseTo(11 / 3, 12);
    expect(traceConfidence(tokens, { k: 2, window: 100, measure: "tail" })).toBeCloseTo(60 / 14, 12);
  });

  it("defaults the window to an eighth of the trace, rounded up, at most 2048 tokens", () => {
    // 14 tokens → windows of 2.
    expect(traceConfidence(tokens, { k: 2 })).toBeCloseTo(2, 12);
    expect(traceConfidence(tokens, { k: 2, measure: "tail" })).toBeCloseTo(3, 12);
    // 40,000 tokens, the low stretch 2048 long: with windows of 2048 the lowest is exactly that stretch.
    const long = Array.from({ length: 40_000 }, (_, index) => token(index >= 1000 && index < 3048 ? 1 : 5));
    expect(traceConfidence(long, { k: 2 })).toBeCloseTo(1, 9);
  });

  it("skips positions without top alternatives, and is undefined when none has any", () => {
    const mixed = [token(4), { token: "z", logprob: -1 }, token(2)];
    expect(traceConfidence(mixed, { k: 2, window: 2 })).toBeCloseTo(3, 12);
    expect(traceConfidence([{ token: "z", logprob: -1 }], { k: 2 })).toBeUndefined();
    expect(traceConfidence([], { k: 2 })).toBeUndefined();
  });
});
