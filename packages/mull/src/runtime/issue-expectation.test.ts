import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issueExpectation } from "./issue-expectation.ts";

/** What the first issue of `value` against `schema` says the value must be. */
function expectation(schema: z.ZodType, value: unknown): string | undefined {
  const issue = schema.safeParse(value).error?.issues[0];
  if (issue === undefined) throw new Error("expected an issue");
  return issueExpectation(issue);
}

describe("issueExpectation", () => {
  it.each([
    [z.string(), 5, "a string"],
    [z.number().int(), 1.5, "an integer"],
    [z.boolean(), "yes", "a boolean"],
    [z.instanceof(AbortSignal), {}, "an AbortSignal"],
    [z.record(z.string(), z.unknown()), 5, "an object"],
    [z.array(z.string()), 5, "an array"],
    [z.literal("function"), "tool", '"function"'],
    [z.enum(["low", "high"]), "mid", '"low" or "high"'],
    [z.enum(["a", "b", "c"]), "d", '"a", "b" or "c"'],
    [z.number().min(0), -1, "a number of at least 0"],
    [z.number().gt(0), 0, "a number greater than 0"],
    [z.number().max(2), 3, "a number of at most 2"],
    [z.number().lt(2), 2, "a number less than 2"],
    [z.number().int(), 2 ** 60, "an integer of at most 9007199254740991"],
    [z.string().min(1), "", "a non-empty string"],
    [z.string().min(3), "ab", "a string of at least 3 characters"],
    [z.string().max(4), "abcde", "a string of at most 4 characters"],
    [z.array(z.string()).min(1), [], "a non-empty array"],
    [z.array(z.string()).max(2), ["a", "b", "c"], "an array of at most 2 items"],
    [z.array(z.string()).length(1), ["a", "b"], "an array of exactly 1 item"],
    [z.number().multipleOf(5), 7, "a multiple of 5"],
    [z.string().startsWith("sk-"), "pk-1", 'a string starting with "sk-"'],
    [z.string().regex(/^\d+$/), "x", "a string matching /^\\d+$/"],
    [
      z.record(z.string().min(2), z.number()),
      { b: 1 },
      "an object whose keys are each a string of at least 2 characters",
    ],
    [z.union([z.string(), z.array(z.string())]), 5, "a string or an array"],
    [z.union([z.literal("auto"), z.number()]), "x", '"auto" or a number'],
    [
      z.discriminatedUnion("type", [z.object({ type: z.literal("a") }), z.object({ type: z.literal("b") })]),
      { type: "c" },
      '"a" or "b"',
    ],
  ])("%#: %j", (schema, value, words) => {
    expect(expectation(schema, value)).toBe(words);
  });

  it("says nothing of a union whose branches failed past their root", () => {
    const schema = z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]);
    expect(expectation(schema, {})).toBeUndefined();
  });

  it("leaves a custom rule's issue to its own message", () => {
    const schema = z.string().refine((value) => value === "ok", { message: "is not ok" });
    expect(expectation(schema, "no")).toBeUndefined();
  });
});
