import { InvalidArgumentError } from "@commander-js/extra-typings";
import { integerRule, type NumberBounds, type NumberRule, numberRule } from "../runtime/index.ts";

const integerText = /^-?\d+$/;

/**
 * Commander names the flag and the argument only for an `InvalidArgumentError`
 * (`option '--n <count>' argument '0' is invalid.`), so a flag parser throws that rather than a
 * ConfigError; the rule is the one the library's checkers apply.
 */
function flagParser(rule: NumberRule, read: (text: string) => number): (value: string) => number {
  return (value: string) => {
    const parsed = read(value);
    if (!rule.accepts(parsed)) throw new InvalidArgumentError(`expected ${rule.expected}, got "${value}"`);
    return parsed;
  };
}

/**
 * A commander parser for integers in `[minimum, maximum]` (no upper bound when `maximum` is left out);
 * the error names the value and the range.
 *
 * @example
 * new Command("bench").option("--concurrency <count>", "pairs in flight", integerOption(1, 1024), 1);
 */
export function integerOption(minimum: number, maximum?: number): (value: string) => number {
  return flagParser(integerRule({ minimum, maximum }), (text) =>
    integerText.test(text.trim()) ? Number(text) : Number.NaN,
  );
}

/**
 * A commander parser for finite numbers in `[minimum, maximum]`, or within `bounds` where an end is open
 * (top-p keeps a share of probability mass in (0, 1]: `numberOption({ exclusiveMinimum: 0, maximum: 1 })`).
 *
 * @example
 * new Command("solve").option("--temperature <value>", "sampling temperature", numberOption(0, 5));
 */
export function numberOption(minimum: number, maximum: number): (value: string) => number;
export function numberOption(bounds: NumberBounds): (value: string) => number;
export function numberOption(minimum: number | NumberBounds, maximum?: number): (value: string) => number {
  const bounds = typeof minimum === "number" ? { minimum, maximum } : minimum;
  return flagParser(numberRule(bounds), (text) => (text.trim() === "" ? Number.NaN : Number(text)));
}

/** The flag parser of `--top-p`: the share of probability mass kept, in (0, 1] (0 would keep nothing). */
export const topPOption: (value: string) => number = numberOption({ exclusiveMinimum: 0, maximum: 1 });
