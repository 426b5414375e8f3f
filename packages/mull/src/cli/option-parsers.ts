import { InvalidArgumentError } from "@commander-js/extra-typings";
import { integerRule, type NumberRule, numberRule } from "../runtime/index.ts";

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
 * A commander parser for finite numbers in `[minimum, maximum]`.
 *
 * @example
 * new Command("solve").option("--top-p <value>", "nucleus sampling threshold", numberOption(0, 1));
 */
export function numberOption(minimum: number, maximum: number): (value: string) => number {
  return flagParser(numberRule({ minimum, maximum }), (text) =>
    text.trim() === "" ? Number.NaN : Number(text),
  );
}
