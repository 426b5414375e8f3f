import { checkInteger, optionError } from "../runtime/index.ts";

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** The bin's confidence range, `[lower, upper)` (the last bin includes 1). */
  readonly lower: number;
  /** The bin's upper confidence bound, excluded except in the last bin (which ends at 1). */
  readonly upper: number;
  /** Predictions that fell in it. */
  readonly count: number;
  /** Their mean confidence; `undefined` for an empty bin. */
  readonly confidence: number | undefined;
  /** The share of them that were correct; `undefined` for an empty bin. */
  readonly accuracy: number | undefined;
}

/** A calibration summary: the reliability diagram's bins and the expected calibration error. */
export interface Calibration {
  /** The reliability diagram's equal-width bins, lowest confidence first, together covering 0 to 1. */
  readonly bins: readonly ReliabilityBin[];
  /** Σ over bins of (count / total) · |accuracy − confidence|; 0 when confidence matches accuracy. */
  readonly expectedCalibrationError: number;
}

/**
 * Calibration of confidences in [0, 1] against correctness, over `bins` equal-width bins (default 10):
 * the reliability diagram and the expected calibration error (Guo et al. 2017). Confidences outside
 * [0, 1] are clamped. With no predictions every bin is empty and the error is 0.
 *
 * @throws ConfigError when `bins` is not an integer ≥ 1, or a confidence is not a number (NaN included),
 * naming it by its index: `calibration: predictions[2].confidence must be a number, got NaN`.
 * @example
 * calibration([{ confidence: 0.9, correct: true }, { confidence: 0.9, correct: false }]).expectedCalibrationError; // 0.4
 */
export function calibration(
  predictions: readonly { readonly confidence: number; readonly correct: boolean }[],
  bins = 10,
): Calibration {
  checkInteger("calibration", "bins", bins, { minimum: 1 });
  predictions.forEach(({ confidence }, index) => {
    if (typeof confidence !== "number" || Number.isNaN(confidence))
      throw optionError("calibration", `predictions[${index}].confidence`, confidence, "a number");
  });
  const sums = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const { confidence, correct } of predictions) {
    const clamped = Math.min(1, Math.max(0, confidence));
    const sum = sums[Math.min(bins - 1, Math.floor(clamped * bins))]!;
    sum.count += 1;
    sum.confidence += clamped;
    if (correct) sum.correct += 1;
  }
  let error = 0;
  const result = sums.map((sum, index) => {
    const confidence = sum.count === 0 ? undefined : sum.confidence / sum.count;
    const accuracy = sum.count === 0 ? undefined : sum.correct / sum.count;
    if (confidence !== undefined && accuracy !== undefined) {
      error += (sum.count / predictions.length) * Math.abs(accuracy - confidence);
    }
    return { lower: index / bins, upper: (index + 1) / bins, count: sum.count, confidence, accuracy };
  });
  return { bins: result, expectedCalibrationError: error };
}
