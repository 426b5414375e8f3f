import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { calibration } from "./calibration.ts";

describe("calibration", () => {
  it("bins predictions and weighs each bin's gap by its share", () => {
    const result = calibration(
      [
        { confidence: 0.95, correct: true },
        { confidence: 0.85, correct: false },
        { confidence: 0.15, correct: false },
        { confidence: 0.15, correct: false },
      ],
      5,
    );
    expect(result.bins.map((bin) => bin.count)).toEqual([2, 0, 0, 0, 2]);
    expect(result.bins[4]?.confidence).toBeCloseTo(0.9, 12);
    expect(result.bins[4]?.accuracy).toBe(0.5);
    expect(result.bins[1]?.accuracy).toBeUndefined();
    // Bin 0: |0 − 0.15| over half the predictions; bin 4: |0.5 − 0.9| over the other half.
    expect(result.expectedCalibrationError).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.4, 12);
  });

  it("is 0 for confidences that match accuracy, and puts a confidence of 1 in the last bin", () => {
    const result = calibration([
      { confidence: 1, correct: true },
      { confidence: 0, correct: false },
    ]);
    expect(result.bins[9]?.count).toBe(1);
    expect(result.expectedCalibrationError).toBe(0);
  });

  it("refuses a confidence that is not a number, naming it by its index", () => {
    const error = thrownConfigError(() =>
      calibration([
        { confidence: 0.5, correct: true },
        { confidence: Number.NaN, correct: true },
      ]),
    );
    expect(error.message).toBe("calibration: predictions[1].confidence must be a number, got NaN");
    expect(error.field).toBe("predictions[1].confidence");
  });

  it("refuses a bin count that is not an integer ≥ 1", () => {
    const predictions = [{ confidence: 0.5, correct: true }];
    for (const bins of [0, -1, 2.5, Number.NaN]) {
      const error = thrownConfigError(() => calibration(predictions, bins));
      expect(error.message).toBe(`calibration: bins must be an integer ≥ 1, got ${bins}`);
      expect(error.field).toBe("bins");
    }
  });

  it("still clamps infinite confidences into the end bins", () => {
    const result = calibration(
      [
        { confidence: Number.POSITIVE_INFINITY, correct: true },
        { confidence: Number.NEGATIVE_INFINITY, correct: false },
      ],
      1,
    );
    expect(result.bins.map((bin) => bin.count)).toEqual([2]);
    expect(result.bins[0]?.confidence).toBe(0.5);
    expect(result.expectedCalibrationError).toBe(0);
  });
});
