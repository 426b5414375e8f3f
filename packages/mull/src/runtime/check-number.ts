import { ConfigError } from "../errors/index.ts";

/** Bounds of `checkInteger` and `checkNumber`; both inclusive. */
export interface NumberBounds {
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
}

function expectation(kind: string, bounds: NumberBounds): string {
  const { minimum, maximum } = bounds;
  if (minimum !== undefined && maximum !== undefined) return `${kind} from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `${kind} ≥ ${minimum}`;
  if (maximum !== undefined) return `${kind} ≤ ${maximum}`;
  return kind;
}

function outside(value: number, bounds: NumberBounds): boolean {
  return (
    (bounds.minimum !== undefined && value < bounds.minimum) ||
    (bounds.maximum !== undefined && value > bounds.maximum)
  );
}

/**
 * Checks a scalar integer option of a factory or function.
 *
 * @throws ConfigError `<owner>: <field> must be an integer ≥ 1, got 0`, with `field` set.
 * @example
 * checkInteger("selfConsistency", "n", n, { minimum: 1 });
 */
export function checkInteger(
  owner: string,
  field: string,
  value: unknown,
  bounds: NumberBounds = {},
): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || outside(value, bounds)) {
    throw new ConfigError(
      `${owner}: ${field} must be ${expectation("an integer", bounds)}, got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return value;
}

/**
 * Checks a scalar finite number option of a factory or function.
 *
 * @throws ConfigError `<owner>: <field> must be a number from 0 to 1, got 2`, with `field` set.
 * @example
 * checkNumber("noisyProcessReward", "falsePositive", rate, { minimum: 0, maximum: 1 });
 */
export function checkNumber(owner: string, field: string, value: unknown, bounds: NumberBounds = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value) || outside(value, bounds)) {
    throw new ConfigError(
      `${owner}: ${field} must be ${expectation("a number", bounds)}, got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return value;
}

/**
 * Checks a positive (> 0) finite number option, such as a temperature that divides.
 *
 * @throws ConfigError `<owner>: <field> must be a positive number, got 0`, with `field` set.
 */
export function checkPositive(owner: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > 0)) {
    throw new ConfigError(`${owner}: ${field} must be a positive number, got ${JSON.stringify(value)}`, {
      field,
    });
  }
  return value;
}

/**
 * Checks that an option is one of a fixed set of strings.
 *
 * @throws ConfigError `<owner>: <field> must be "a" or "b", got "c"`, with `field` set.
 */
export function checkOneOf<Value extends string>(
  owner: string,
  field: string,
  value: unknown,
  allowed: readonly Value[],
): Value {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    const quoted = allowed.map((item) => JSON.stringify(item));
    const listed =
      quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
    throw new ConfigError(`${owner}: ${field} must be ${listed}, got ${JSON.stringify(value)}`, { field });
  }
  return value as Value;
}
