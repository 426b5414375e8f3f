import { checkInteger } from "../runtime/index.ts";

/**
 * DeepConf's group confidence kept up to date token by token, for watching a trace as it is generated: the
 * mean confidence of the last `window` tokens, and the lowest such group so far.
 */
export interface SlidingGroupConfidence {
  /**
   * Adds the next token's confidence; returns the confidence of the group that ends with it once `window`
   * tokens were added, else `undefined` (no full group yet).
   */
  add(confidence: number): number | undefined;
  /** Token confidences added so far. */
  readonly count: number;
  /** The lowest full group's confidence so far; `undefined` before the first full group. */
  readonly lowest: number | undefined;
}

/**
 * An incremental `groupConfidences`: a running sum over a ring of the last `window` token confidences. Its
 * full groups are exactly those of `groupConfidences` over the same tokens when the trace is at least a
 * window long (the same sums in the same order), so a threshold set on finished traces applies unchanged.
 *
 * @throws ConfigError `slidingGroupConfidence: window must be an integer ≥ 1, got 0`.
 * @example
 * const groups = slidingGroupConfidence(2);
 * [1, 2, 3, 6].map((confidence) => groups.add(confidence)); // → [undefined, 1.5, 2.5, 4.5]
 * groups.lowest; // → 1.5
 */
export function slidingGroupConfidence(windowOption: number): SlidingGroupConfidence {
  const window = checkInteger("slidingGroupConfidence", "window", windowOption, { minimum: 1 });
  const ring: number[] = [];
  let sum = 0;
  let count = 0;
  let lowest: number | undefined;
  return {
    add(confidence) {
      const slot = count % window;
      // Same order of operations as `groupConfidences`: a plain sum over the first window, then
      // `sum += newest − oldest`.
      if (count < window) sum += confidence;
      else sum += confidence - ring[slot]!;
      ring[slot] = confidence;
      count += 1;
      if (count < window) return undefined;
      const group = sum / window;
      lowest = lowest === undefined ? group : Math.min(lowest, group);
      return group;
    },
    get count() {
      return count;
    },
    get lowest() {
      return lowest;
    },
  };
}
