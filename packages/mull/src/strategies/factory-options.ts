import type { z } from "zod";
import { parseOptions } from "../runtime/index.ts";

/**
 * Checks the options object of a strategy factory (`selfConsistency`, `particleFilter`, `cascade`, …)
 * against its strict schema before anything is built: a key the factory does not take, usually a typo, is
 * refused with the keys it takes, and an option of the wrong kind (a scorer factory instead of a scorer, a
 * string for `stopWhen`) is named with what it must be. The factory's own checks of values (`checkInteger`,
 * `checkOneOf`) run after it, so an option its schema leaves to them is worded by them.
 *
 * @throws ConfigError `<owner>: expected an options object { n, … }; got undefined` for no object (field
 * `options`);
 * `<owner>: treshold: unknown key (<owner> takes threshold, posterior)` for an unknown key; `<owner>:
 * scorer must be an outcome scorer (an object with a score method), got undefined` for a wrong kind.
 * @example
 * const selfConsistencyOptions = z.strictObject({ n: checkedByFactory, temperature: temperatureOption });
 * checkFactoryOptions(selfConsistencyOptions, options, "selfConsistency");
 */
export function checkFactoryOptions<Schema extends z.ZodType>(
  schema: Schema,
  options: unknown,
  owner: string,
): z.output<Schema> {
  return parseOptions(schema, options, owner);
}
