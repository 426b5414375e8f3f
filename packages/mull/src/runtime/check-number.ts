import { ConfigError } from "../errors/index.ts";
import { describeValue } from "./describe-value.ts";
import { optionError } from "./must-be.ts";
import { integerRule, type NumberBounds, type NumberRule, numberRule } from "./number-rule.ts";
import { wordList } from "./word-list.ts";

export type { NumberBounds } from "./number-rule.ts";

function check(rule: NumberRule, owner: string, field: string, value: unknown): number {
  if (!rule.accepts(value)) throw optionError(owner, field, value, rule.expected);
  return value;
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
  return check(integerRule(bounds), owner, field, value);
}

/**
 * Checks a scalar finite number option of a factory or function.
 *
 * @throws ConfigError `<owner>: <field> must be a number from 0 to 1, got 2`, with `field` set.
 * @example
 * checkNumber("noisyProcessReward", "falsePositiveRate", rate, { minimum: 0, maximum: 1 });
 */
export function checkNumber(owner: string, field: string, value: unknown, bounds: NumberBounds = {}): number {
  return check(numberRule(bounds), owner, field, value);
}

const positive = numberRule({ exclusiveMinimum: 0, expected: "a positive number" });

/**
 * Checks a positive (> 0) finite number option, such as a temperature that divides.
 *
 * @throws ConfigError `<owner>: <field> must be a positive number, got 0`, with `field` set.
 */
export function checkPositive(owner: string, field: string, value: unknown): number {
  return check(positive, owner, field, value);
}

/** How `checkOneOf` words its message. */
export interface OneOfWording {
  /**
   * Word it as a lookup by name, `<owner>: unknown <noun> "c"; expected one of a, b`, for long lists
   * of names (graders, answer formats) and for the messages callers already rely on.
   */
  readonly noun?: string | undefined;
}

/**
 * Checks that an option is one of a fixed set of strings.
 *
 * @throws ConfigError `<owner>: <field> must be "a" or "b", got "c"` (or, with a `noun`,
 * `<owner>: unknown <noun> "c"; expected one of a, b`), with `field` set.
 * @example
 * checkOneOf("particleFilter", "resampling", method, ["multinomial", "systematic"]);
 * checkOneOf("--grader", "grader", name, graderNames, { noun: "grader" });
 */
export function checkOneOf<Value extends string>(
  owner: string,
  field: string,
  value: unknown,
  allowed: readonly Value[],
  wording: OneOfWording = {},
): Value {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    if (wording.noun !== undefined) {
      throw new ConfigError(
        `${owner}: unknown ${wording.noun} ${describeValue(value)}; expected one of ${allowed.join(", ")}`,
        { field },
      );
    }
    const quoted = allowed.map((item) => JSON.stringify(item));
    throw optionError(owner, field, value, wordList(quoted, "or"));
  }
  return value as Value;
}
