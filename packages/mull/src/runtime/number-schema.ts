import { z } from "zod";
import { expecting } from "./must-be.ts";
import { integerRule, type NumberBounds, type NumberRule, numberRule } from "./number-rule.ts";

function schemaOf(rule: NumberRule): z.ZodCustom<number, number> {
  return z.custom<number>(rule.accepts, { error: expecting(rule.expected) });
}

/**
 * A zod schema for an integer field of an options object, for `parseOptions`: it accepts what
 * `checkInteger` accepts and words its problem as it does: `must be an integer ≥ 1, got 0`.
 *
 * @example
 * const schema = z.object({ resamples: integerSchema({ minimum: 1 }).default(1000) });
 * parseOptions(schema, { resamples: 0 }, "bootstrap"); // throws "bootstrap: resamples must be an integer ≥ 1, got 0"
 */
export function integerSchema(bounds: NumberBounds = {}): z.ZodCustom<number, number> {
  return schemaOf(integerRule(bounds));
}

/**
 * A zod schema for a finite number field of an options object, for `parseOptions`: it accepts what
 * `checkNumber` accepts and words its problem as it does: `must be a number ≥ 0, got -1`.
 *
 * @example
 * const schema = z.object({ confidence: numberSchema({ exclusiveMinimum: 0, exclusiveMaximum: 1 }) });
 */
export function numberSchema(bounds: NumberBounds = {}): z.ZodCustom<number, number> {
  return schemaOf(numberRule(bounds));
}
