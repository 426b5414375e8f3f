import { describe, expect, it } from "vitest";
import { areaUnderRoc } from "./area-under-roc.ts";

const items = (scores: readonly [number, boolean][]) =>
  scores.map(([score, positive]) => ({ score, positive }));

describe("areaUnderRoc", () => {
  it("is 1 for a perfect separation, 0 for a reversed one", () => {
    expect(
      areaUnderRoc(
        items([
          [0.1, false],
          [0.2, false],
          [0.8, true],
          [0.9, true],
        ]),
      ),
    ).toBe(1);
    expect(
      areaUnderRoc(
        items([
          [0.1, true],
          [0.9, false],
        ]),
      ),
    ).toBe(0);
  });

  it("counts the pairs a positive wins, ties as half", () => {
    // Pairs (positive, negative): (0.5, 0.2) win, (0.5, 0.5) tie, (0.5, 0.7) loss, (0.9, all three) wins.
    const value = areaUnderRoc(
      items([
        [0.2, false],
        [0.5, false],
        [0.7, false],
        [0.5, true],
        [0.9, true],
      ]),
    );
    expect(value).toBeCloseTo((1 + 0.5 + 0 + 3) / 6, 12);
    expect(
      areaUnderRoc(
        items([
          [1, true],
          [1, false],
        ]),
      ),
    ).toBe(0.5);
  });

  it("is undefined without both classes", () => {
    expect(areaUnderRoc(items([[0.3, true]]))).toBeUndefined();
    expect(areaUnderRoc([])).toBeUndefined();
  });
});
