import { InvalidArgumentError } from "@commander-js/extra-typings";

/** A commander parser for integers in `[minimum, maximum]`; the error names the value and the range. */
export function integerOption(minimum: number, maximum = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (
      !/^-?\d+$/.test(value.trim()) ||
      !Number.isSafeInteger(parsed) ||
      parsed < minimum ||
      parsed > maximum
    ) {
      const range = maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
      throw new InvalidArgumentError(`expected an integer ${range}, got "${value}"`);
    }
    return parsed;
  };
}

/** A commander parser for finite numbers in `[minimum, maximum]`. */
export function numberOption(minimum: number, maximum: number): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (value.trim() === "" || !Number.isFinite(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`expected a number from ${minimum} to ${maximum}, got "${value}"`);
    }
    return parsed;
  };
}
