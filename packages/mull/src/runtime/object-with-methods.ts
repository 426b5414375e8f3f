import { z } from "zod";
import { describeValue } from "./describe-value.ts";
import { wordList } from "./word-list.ts";

/** Which of `methods` a value lacks. */
function missingMethods(value: unknown, methods: readonly string[]): string[] {
  if (typeof value !== "object" || value === null) return [...methods];
  return methods.filter((method) => typeof (value as Record<string, unknown>)[method] !== "function");
}

/** What an object option must be, in words, and the methods that make it one. */
export interface ObjectWithMethods {
  /** What it is, e.g. `an outcome scorer`. */
  readonly expected: string;
  /** Its name in a hint, e.g. `scorer`: `call it and pass the scorer it returns`. */
  readonly noun: string;
  /** The methods it must have, e.g. `["score"]`. */
  readonly methods: readonly string[];
}

/**
 * A zod schema, for `parseOptions`, of an option that must be an object with methods (a backend, a
 * scorer, a clock, a strategy), not the factory that makes one: a function given instead is named, with a
 * hint to call it; an object names the methods it lacks; anything else is shown as given.
 *
 * @example
 * const schema = z.strictObject({ scorer: objectWithMethods<OutcomeScorer>({ expected: "an outcome scorer", noun: "scorer", methods: ["score"] }) });
 * parseOptions(schema, { scorer: labOutcomeChecker }, "bestOfN");
 * // throws "bestOfN: scorer must be an outcome scorer (an object with a score method), got the function
 * // labOutcomeChecker; call it and pass the scorer it returns"
 */
export function objectWithMethods<Value>(shape: ObjectWithMethods): z.ZodCustom<Value, Value> {
  return z.custom<Value>(
    (value) =>
      typeof value === "object" && value !== null && missingMethods(value, shape.methods).length === 0,
    {
      error: (issue) => {
        const value = issue.input;
        const given =
          typeof value === "function"
            ? `the function ${value.name === "" ? "(anonymous)" : value.name}; call it and pass the ${shape.noun} it returns`
            : typeof value === "object" && value !== null
              ? `an object without ${wordList(missingMethods(value, shape.methods), "and")}`
              : describeValue(value);
        const methods =
          shape.methods.length === 1
            ? `${/^[aeiou]/i.test(shape.methods[0] ?? "") ? "an" : "a"} ${shape.methods[0]} method`
            : `${wordList(shape.methods, "and")} methods`;
        return `must be ${shape.expected} (an object with ${methods}), got ${given}`;
      },
    },
  );
}
