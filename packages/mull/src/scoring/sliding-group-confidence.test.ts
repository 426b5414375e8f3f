import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import { groupConfidences } from "./group-confidences.ts";
import { slidingGroupConfidence } from "./sliding-group-confidence.ts";

describe("slidingGroupConfidence", () => {
  it("gives each full window's mean as tokens arrive, and the lowest so far", () => {
    const groups = slidingGroupConfidence(2);
    expect([1, 2, 3, 6, 0].map((confidence) => groups.add(confidence))).toEqual([
      undefined,
      1.5,
      2.5,
      4.5,
      3,
    ]);
    expect(groups.count).toBe(5);
    expect(groups.lowest).toBe(1.5);
    expect(slidingGroupConfidence(3).lowest).toBeUndefined();
  });

  it("matches groupConfidences exactly on traces at least a window long", () => {
    const rng = seededRng(11);
    for (const window of [1, 3, 7]) {
      const confidences = Array.from({ length: 40 }, () => rng.next() * 10);
      const groups = slidingGroupConfidence(window);
      const online = confidences.flatMap((confidence) => groups.add(confidence) ?? []);
      expect(online).toEqual(groupConfidences(confidences, window));
      expect(groups.lowest).toBe(Math.min(...online));
    }
  });

  it("refuses a window that is not a positive integer", () => {
    expect(() => slidingGroupConfidence(0)).toThrow(ConfigError);
    expect(() => slidingGroupConfidence(0)).toThrow(
      "slidingGroupConfidence: window must be an integer ≥ 1, got 0",
    );
    expect(() => slidingGroupConfidence(2.5)).toThrow(
      "slidingGroupConfidence: window must be an integer ≥ 1, got 2.5",
    );
  });
});
