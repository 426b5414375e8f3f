import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
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

  it("refuses a score that is not a number, naming it by its index, in any order", () => {
    const scores: [number, boolean][] = [
      [0.2, false],
      [Number.NaN, true],
      [0.8, true],
      [0.5, false],
    ];
    const error = thrownConfigError(() => areaUnderRoc(items(scores)));
    expect(error.message).toBe("areaUnderRoc: items[1].score must be a number, got NaN");
    expect(error.field).toBe("items[1].score");
    expect(thrownConfigError(() => areaUnderRoc(items([...scores].reverse()))).field).toBe("items[2].score");
  });

  it("ranks infinite scores beyond every finite one, equal infinities as a tie", () => {
    const value = areaUnderRoc(
      items([
        [Number.POSITIVE_INFINITY, true],
        [Number.POSITIVE_INFINITY, false],
        [0.5, true],
        [Number.NEGATIVE_INFINITY, false],
      ]),
    );
    // Pairs: (∞, ∞) tie, (∞, −∞) win, (0.5, ∞) loss, (0.5, −∞) win.
    expect(value).toBe((0.5 + 1 + 0 + 1) / 4);
  });
});
