import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { lateInstabilityCut } from "./late-instability-cut.ts";

/** A position whose top alternatives have the given probabilities. */
function position(probabilities: Readonly<Record<string, number>>): TokenLogprob {
  const entries = Object.entries(probabilities);
  return {
    token: entries[0]![0],
    logprob: Math.log(entries[0]![1]),
    topLogprobs: entries.map(([token, probability]) => ({ token, logprob: Math.log(probability) })),
  };
}

// A steady position: entropy h = −(0.9 ln 0.9 + 0.1 ln 0.1) ≈ 0.325, no shift from another steady one.
const steady = position({ a: 0.9, b: 0.1 });
// A spike after a steady position: disjoint alternatives, JSD ln 2, entropy ln 2, index 2 ln 2 ≈ 1.386.
// The steady position after it shifts back by ln 2 too: index ln 2 + h ≈ 1.018, below the threshold.
const spike = position({ c: 0.5, d: 0.5 });
const threshold = 1.2;

function verdicts(tokens: readonly TokenLogprob[], lateAfter: number): string[] {
  const watch = lateInstabilityCut({ k: 20, threshold, lateAfter });
  return tokens.map((token) => watch(token));
}

describe("lateInstabilityCut", () => {
  it("cuts at a spike late in the trace, and lets a spike of the same height early in it pass", () => {
    const late = [steady, steady, steady, steady, steady, steady, spike, steady];
    expect(verdicts(late, 4)).toEqual([...Array(6).fill("continue"), "stop", "continue"]);
    const early = [steady, steady, spike, steady, steady, steady, steady, steady];
    expect(verdicts(early, 4)).toEqual(Array(8).fill("continue"));
    // The same early stream is cut when the late part starts before its spike.
    expect(verdicts(early, 2)).toEqual(["continue", "continue", "stop", ...Array(5).fill("continue")]);
  });

  it("counts a shift between positions, not only the entropy, and cuts only above the threshold", () => {
    // A flip from (0.9, 0.1) to (0.1, 0.9): the same entropy h, plus JSD = 0.9 ln 1.8 + 0.1 ln 0.2 ≈ 0.368.
    const flipped = position({ b: 0.9, a: 0.1 });
    const entropy = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
    const index = 0.9 * Math.log(1.8) + 0.1 * Math.log(0.2) + entropy;
    const watch = (bar: number) => lateInstabilityCut({ k: 2, threshold: bar, lateAfter: 0 });
    expect([steady, flipped].map(watch(index - 1e-9))).toEqual(["continue", "stop"]);
    expect([steady, flipped].map(watch(index + 1e-9))).toEqual(["continue", "continue"]);
    // A steady stream stays under a bar between h and the flip's index.
    expect([steady, steady, steady].map(watch(0.5))).toEqual(["continue", "continue", "continue"]);
    // Without the entropy only the flip's shift counts.
    const shiftOnly = lateInstabilityCut({ k: 2, threshold: 0.36, lateAfter: 0, entropyWeight: 0 });
    expect([steady, steady, flipped].map(shiftOnly)).toEqual(["continue", "continue", "stop"]);
  });

  it("lets an index exactly at the threshold pass", () => {
    // A single alternative: no entropy and no shift, an index of exactly 0.
    const sure = position({ a: 1 });
    expect(lateInstabilityCut({ k: 2, threshold: 0, lateAfter: 0 })(sure)).toBe("continue");
  });

  it("counts positions without alternatives toward the late part, but measures none there", () => {
    const bare: TokenLogprob = { token: "x", logprob: -0.1 };
    // The spike is the fourth token: late from token 3 on, not from token 4 on.
    expect(verdicts([steady, bare, bare, spike], 3)).toEqual(["continue", "continue", "continue", "stop"]);
    expect(verdicts([steady, bare, bare, spike], 4)).toEqual(Array(4).fill("continue"));
    // The shift is measured from the last position that had alternatives.
    expect(verdicts([bare, bare, bare], 0)).toEqual(Array(3).fill("continue"));
  });

  it("keeps one trace's position and distribution: a fresh watcher starts at token 0", () => {
    const first = lateInstabilityCut({ k: 20, threshold, lateAfter: 2 });
    first(steady);
    first(steady);
    const fresh = lateInstabilityCut({ k: 20, threshold, lateAfter: 2 });
    // At the fresh watcher's first token the spike is early and has no previous position to shift from.
    expect(fresh(spike)).toBe("continue");
    expect(first(spike)).toBe("stop");
  });

  it("refuses options out of range, naming the field", () => {
    expect(() => lateInstabilityCut({ k: 1, threshold, lateAfter: 0 })).toThrow(
      /lateInstabilityCut: k must be an integer ≥ 2, got 1/,
    );
    expect(() => lateInstabilityCut({ k: 20, threshold: -1, lateAfter: 0 })).toThrow(/threshold/);
    expect(() => lateInstabilityCut({ k: 20, threshold, lateAfter: 1.5 })).toThrow(/lateAfter/);
    expect(() => lateInstabilityCut({ k: 20, threshold, lateAfter: 0, entropyWeight: -1 })).toThrow(
      /entropyWeight/,
    );
  });

  it("names its options object when called from plain JavaScript without them", () => {
    const untyped = lateInstabilityCut as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("lateInstabilityCut: expected an options object; got undefined");
    expect(nothing.field).toBe("options");
  });
});
