import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import {
  checkInteger,
  checkNumber,
  describeValue,
  type NumberBounds,
  objectWithMethods,
  optionError,
  parseOptions,
} from "../runtime/index.ts";
import type { Rng } from "../spec/index.ts";

/** Options of `reusableHoldout`. */
export interface ReusableHoldoutOptions {
  /** Seeds the noise; the same rng gives the same answers. */
  readonly rng: Rng;
  /**
   * How far the holdout value may differ from the search value before the holdout's own (noisy) value is
   * reported; default 0.04 (four points of accuracy).
   */
  readonly threshold?: number | undefined;
  /** Scale of the Laplace noise added to the threshold and to reported holdout values; default 0.01. */
  readonly noise?: number | undefined;
  /**
   * Answers that may come from the holdout (overfitting detected) before it is spent; afterwards every
   * query is answered with its search value. Default 16.
   */
  readonly budget?: number | undefined;
  /**
   * The values the statistic can take: queries outside them are refused and holdout answers, noise
   * included, are clamped to them. Default `{ minimum: 0, maximum: 1 }` (an accuracy); a side left out
   * is unbounded, as the minimum of an accuracy less a token cost is.
   */
  readonly range?: StatisticRange | undefined;
}

/** The least and greatest value of a statistic; a side left out is unbounded. */
export interface StatisticRange {
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
}

/** What the holdout says of one query. */
export interface HoldoutAnswer {
  /** The value to trust: the search value, or the holdout's with noise added, clamped to the range. */
  readonly value: number;
  /**
   * `search` when the two agreed within the noisy threshold, `holdout` when they did not (the search value
   * overfits), `spent` when the budget was spent and the search value is all that may be told.
   */
  readonly source: "search" | "holdout" | "spent";
}

/** A reusable holdout: answers queries without letting the analyst overfit it. */
export interface ReusableHoldout {
  /** Compares a value measured on the search split with the same on the holdout. */
  query(searchValue: number, holdoutValue: number): HoldoutAnswer;
  /** Holdout answers left. */
  readonly remaining: number;
}

/** A Laplace draw of scale `scale` from a uniform one. */
function laplace(rng: Rng, scale: number): number {
  if (scale === 0) return 0;
  const uniform = rng.next() - 0.5;
  // next() may return 0, whose draw would be infinite: keep it inside the open interval.
  const magnitude = Math.min(Math.abs(uniform), 0.5 - Number.EPSILON);
  return -scale * Math.sign(uniform) * Math.log(1 - 2 * magnitude);
}

/** `value` moved into the range, the nearer end when it lies outside. */
function clamp(value: number, range: StatisticRange): number {
  return Math.min(
    range.maximum ?? Number.POSITIVE_INFINITY,
    Math.max(range.minimum ?? Number.NEGATIVE_INFINITY, value),
  );
}

/** A range of finite ends whose minimum is not above its maximum. */
function checkRange(owner: string, range: unknown): NumberBounds {
  if (typeof range !== "object" || range === null) {
    throw optionError(owner, "range", range, "an object { minimum?, maximum? }");
  }
  const { minimum, maximum } = range as StatisticRange;
  if (minimum !== undefined) checkNumber(owner, "range.minimum", minimum);
  if (maximum !== undefined) checkNumber(owner, "range.maximum", maximum);
  if (minimum !== undefined && maximum !== undefined && minimum > maximum) {
    throw new ConfigError(
      `${owner}: range must have its minimum at most its maximum, got ${describeValue(range)}`,
      { field: "range" },
    );
  }
  return { minimum, maximum };
}

/** The rng the noise is drawn from; the numbers are checked where they are read. */
const reusableHoldoutRng = z.object({
  rng: objectWithMethods<Rng>({ expected: "an rng", noun: "rng", methods: ["next"] }),
});

/**
 * Thresholdout (Dwork et al. 2015, "The reusable holdout"): a holdout that can be queried again and again
 * by an adaptive search, as an architecture search queries it round after round, without the search
 * overfitting it. Each query gives a statistic (an accuracy) on the search split and on the holdout; when
 * they agree within a noisy threshold the search value is returned and the holdout tells nothing, and
 * when they do not, the holdout's value with Laplace noise is returned and one unit of the budget is
 * spent. Noise comes from the rng passed in. Two refinements keep the answers sensible on small
 * holdouts: the noisy threshold is floored at 0, since no gap is below 0 and a negative threshold
 * would call equal values at odds; and a holdout answer is clamped to the statistic's range (an
 * accuracy of 3/3 plus noise is still 100%, not 102.9%), which only post-processes the noisy value.
 *
 * @throws ConfigError for a negative threshold or noise, a budget below 1, or a range whose minimum is
 * above its maximum; `query` throws it for a value outside the range.
 * @example
 * const holdout = reusableHoldout({ rng: seededRng(1) });
 * holdout.query(0.82, 0.74); // { value: ≈0.74, source: "holdout" }
 */
export function reusableHoldout(options: ReusableHoldoutOptions): ReusableHoldout {
  parseOptions(reusableHoldoutRng, options, "reusableHoldout");
  const owner = "reusableHoldout";
  const threshold = checkNumber(owner, "threshold", options.threshold ?? 0.04, { minimum: 0 });
  const noise = checkNumber(owner, "noise", options.noise ?? 0.01, { minimum: 0 });
  let remaining = checkInteger(owner, "budget", options.budget ?? 16, { minimum: 1 });
  const range = checkRange(owner, options.range ?? { minimum: 0, maximum: 1 });
  // The threshold is itself noisy, drawn afresh after each holdout answer.
  let noisyThreshold = threshold + laplace(options.rng, 2 * noise);
  return {
    query(searchValue, holdoutValue) {
      checkNumber(`${owner} query`, "searchValue", searchValue, range);
      checkNumber(`${owner} query`, "holdoutValue", holdoutValue, range);
      if (remaining === 0) return { value: searchValue, source: "spent" };
      const gap = Math.abs(searchValue - holdoutValue);
      if (gap <= Math.max(0, noisyThreshold + laplace(options.rng, 4 * noise))) {
        return { value: searchValue, source: "search" };
      }
      remaining -= 1;
      noisyThreshold = threshold + laplace(options.rng, 2 * noise);
      return { value: clamp(holdoutValue + laplace(options.rng, noise), range), source: "holdout" };
    },
    get remaining() {
      return remaining;
    },
  };
}
