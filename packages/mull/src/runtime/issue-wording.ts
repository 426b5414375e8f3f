import { z } from "zod";
import { issueExpectation } from "./issue-expectation.ts";
import { mustBe } from "./must-be.ts";
import { descriptionOf } from "./schema-shape.ts";

/**
 * How zod's own messages begin (`Invalid input: expected string, received number`, `Too small: expected
 * number to be >=1`, `Invalid discriminator value. Expected 'a' | 'b'`), as against a schema's own.
 */
const zodMessageStart =
  /^(?:Invalid (?:input|option|discriminator value|key in |value in |string: |number: )|Too (?:small|big): )/;

/** Where zod wrote a message of its own, not the schema's. */
function isZodWording(issue: z.core.$ZodIssue): boolean {
  return zodMessageStart.test(issue.message);
}

/** The shared wording of a missing value (`must be an integer ≥ 1, got undefined`), with what it must be. */
const sharedAbsence = /^must be (.+), got undefined$/s;

/**
 * What an issue says a value must be, in words: the expectation of a message in the shared wording of a
 * missing value, else `issueExpectation`'s; `undefined` where it does not say, as for a key that must be
 * present (zod's `nonoptional`), which says nothing of its type.
 */
function expectationOf(issue: z.core.$ZodIssue): string | undefined {
  const stated = sharedAbsence.exec(issue.message)?.[1];
  if (stated !== undefined) return stated;
  if (issue.code === "invalid_type" && issue.expected === "nonoptional") return undefined;
  return issueExpectation(issue);
}

/**
 * What a missing option must be, in words, for an issue about its absence in zod's own words or in the
 * shared wording ending `got undefined`: the description its schema was given, else
 * what the issue says it expects (`must be an integer ≥ 1, got undefined`, zod's expected type), else what
 * its schema says of an undefined value, else `a value`. `undefined` for any other issue, such as a
 * cross-field check or a schema that words its own message.
 *
 * @example
 * missingExpectation(issue, z.string().describe("a lab model name")); // "a lab model name"
 */
export function missingExpectation(
  issue: z.core.$ZodIssue,
  schema: z.core.$ZodType | undefined,
): string | undefined {
  // Zod's own wording, or the shared one showing undefined; a message a schema words otherwise stays.
  const zodWording = isZodWording(issue);
  const stated = zodWording || sharedAbsence.test(issue.message) ? expectationOf(issue) : undefined;
  const mustBePresent = zodWording && issue.code === "invalid_type" && issue.expected === "nonoptional";
  if (stated === undefined && !mustBePresent) return undefined;
  const described = schema === undefined ? undefined : descriptionOf(schema);
  if (described !== undefined) return described;
  if (stated !== undefined) return stated;
  // A key that must be present (zod's `nonoptional`) says nothing of its type; its own schema may.
  let own: z.core.$ZodIssue | undefined;
  try {
    own = schema === undefined ? undefined : z.safeParse(schema, undefined).error?.issues[0];
  } catch {
    // A transform that cannot take undefined says nothing either.
  }
  return (own === undefined ? undefined : expectationOf(own)) ?? "a value";
}

/**
 * An issue's message in the shared wording (`must be a string, got 42`, `must be an integer of at least 1,
 * got 0`) where zod worded it its own way (`Invalid input: expected string, received number`, `Too small:
 * expected number to be >=1`); any other message as it is.
 */
export function issueMessage(issue: z.core.$ZodIssue, given: unknown): string {
  const expected = isZodWording(issue) ? expectationOf(issue) : undefined;
  return expected === undefined ? issue.message : mustBe(expected, given);
}
