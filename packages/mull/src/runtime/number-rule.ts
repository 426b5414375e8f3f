/**
 * Bounds of a number option. `minimum` and `maximum` are inclusive, `exclusiveMinimum` and
 * `exclusiveMaximum` exclusive (a fraction in (0, 1]: `{ exclusiveMinimum: 0, maximum: 1 }`).
 */
export interface NumberBounds {
  /** The smallest value allowed, itself included; default none. */
  readonly minimum?: number | undefined;
  /** The largest value allowed, itself included; default none. */
  readonly maximum?: number | undefined;
  /** A value the number must be above, itself excluded; default none. */
  readonly exclusiveMinimum?: number | undefined;
  /** A value the number must be below, itself excluded; default none. */
  readonly exclusiveMaximum?: number | undefined;
  /**
   * What the value must be, in words, where the bounds alone do not say it well (`an integer between 0
   * and n = 5`) or where callers already rely on other words; default built from the bounds
   * (`an integer ≥ 1`, `a number from 0 to 1`, `a number > 0 and ≤ 1`).
   */
  readonly expected?: string | undefined;
}

/**
 * One check of a number option, shared by the scalar checkers (`checkInteger`), the zod schemas of
 * object options (`integerSchema`) and the CLI's flag parsers, so that all three accept the same values
 * and say the same thing about the others.
 */
export interface NumberRule {
  /** What an accepted value is, e.g. `an integer ≥ 1`. */
  readonly expected: string;
  /** Whether a value is accepted: a number of the right kind within the bounds. */
  accepts(value: unknown): value is number;
}

function lowerBound(bounds: NumberBounds): string | undefined {
  if (bounds.exclusiveMinimum !== undefined) return `> ${bounds.exclusiveMinimum}`;
  return bounds.minimum === undefined ? undefined : `≥ ${bounds.minimum}`;
}

function upperBound(bounds: NumberBounds): string | undefined {
  if (bounds.exclusiveMaximum !== undefined) return `< ${bounds.exclusiveMaximum}`;
  return bounds.maximum === undefined ? undefined : `≤ ${bounds.maximum}`;
}

function expectation(kind: string, bounds: NumberBounds): string {
  if (bounds.expected !== undefined) return bounds.expected;
  const { minimum, maximum } = bounds;
  const exclusive = bounds.exclusiveMinimum !== undefined || bounds.exclusiveMaximum !== undefined;
  if (!exclusive && minimum !== undefined && maximum !== undefined)
    return `${kind} from ${minimum} to ${maximum}`;
  const words = [lowerBound(bounds), upperBound(bounds)].filter((word) => word !== undefined);
  return words.length === 0 ? kind : `${kind} ${words.join(" and ")}`;
}

function within(value: number, bounds: NumberBounds): boolean {
  return !(
    (bounds.minimum !== undefined && value < bounds.minimum) ||
    (bounds.maximum !== undefined && value > bounds.maximum) ||
    (bounds.exclusiveMinimum !== undefined && value <= bounds.exclusiveMinimum) ||
    (bounds.exclusiveMaximum !== undefined && value >= bounds.exclusiveMaximum)
  );
}

/**
 * The rule for a safe integer within bounds.
 *
 * @example
 * integerRule({ minimum: 1 }).expected; // "an integer ≥ 1"
 */
export function integerRule(bounds: NumberBounds = {}): NumberRule {
  return {
    expected: expectation("an integer", bounds),
    accepts: (value): value is number =>
      typeof value === "number" && Number.isSafeInteger(value) && within(value, bounds),
  };
}

/**
 * The rule for a finite number within bounds.
 *
 * @example
 * numberRule({ exclusiveMinimum: 0, maximum: 1 }).expected; // "a number > 0 and ≤ 1"
 */
export function numberRule(bounds: NumberBounds = {}): NumberRule {
  return {
    expected: expectation("a number", bounds),
    accepts: (value): value is number =>
      typeof value === "number" && Number.isFinite(value) && within(value, bounds),
  };
}
