import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { TokenLogprob } from "../spec/index.ts";
import { lowConfidenceCut } from "./low-confidence-cut.ts";

/** A token of confidence `confidence` over two alternatives: −(−c/2 − 3c/2)/2 = c. */
function token(confidence: number): TokenLogprob {
  return {
    token: "t",
    logprob: -confidence / 2,
    topLogprobs: [
      { token: "t", logprob: -confidence / 2 },
      { token: "u", logprob: (-3 * confidence) / 2 },
    ],
  };
}

describe("lowConfidenceCut", () => {
  it("stops at the first full window whose mean confidence is below the threshold", () => {
    const watch = lowConfidenceCut({ k: 2, window: 2, threshold: 2 });
    // Windows: (3,3)=3, (3,1.5)=2.25, (1.5,2)=1.75 < 2 → stop at the fourth token.
    expect([3, 3, 1.5, 2].map((confidence) => watch(token(confidence)))).toEqual([
      "continue",
      "continue",
      "continue",
      "stop",
    ]);
  });

  it("lets a window whose confidence is exactly the threshold pass", () => {
    const watch = lowConfidenceCut({ k: 2, window: 1, threshold: 2 });
    expect(watch(token(2))).toBe("continue");
    expect(watch(token(1.99))).toBe("stop");
  });

  it("never stops before a window is full, and skips positions without alternatives", () => {
    const watch = lowConfidenceCut({ k: 2, window: 3, threshold: 2 });
    expect(watch(token(0.1))).toBe("continue");
    expect(watch({ token: "x", logprob: -1 })).toBe("continue");
    expect(watch(token(0.1))).toBe("continue");
    expect(watch(token(0.1))).toBe("stop");
  });

  it("keeps one trace's window: a fresh watcher starts empty", () => {
    const options = { k: 2, window: 2, threshold: 2 };
    const first = lowConfidenceCut(options);
    first(token(1));
    expect(lowConfidenceCut(options)(token(1))).toBe("continue");
    expect(first(token(1))).toBe("stop");
  });

  it("names its options object and its threshold when called from plain JavaScript without them", () => {
    const untyped = lowConfidenceCut as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      "lowConfidenceCut: expected an options object { k, window, threshold, … }; got undefined",
    );
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({ k: 20, window: 8 }));
    expect(malformed.message).toBe("lowConfidenceCut: threshold: missing; expected a number");
    expect(malformed.field).toBe("threshold");
  });
});
