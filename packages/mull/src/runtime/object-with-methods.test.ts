import { describe, expect, it } from "vitest";
import { z } from "zod";
import { objectWithMethods } from "./object-with-methods.ts";
import { parseOptions } from "./parse-options.ts";

const schema = z.strictObject({
  scorer: objectWithMethods<{ score(): number }>({
    expected: "an outcome scorer",
    noun: "scorer",
    methods: ["score"],
  }),
  backend: objectWithMethods<object>({
    expected: "a backend",
    noun: "backend",
    methods: ["describe", "capabilities", "generate"],
  }).optional(),
});

const parse = (value: unknown) => () => parseOptions(schema, value, "bestOfN");

describe("objectWithMethods", () => {
  it("accepts an object with every method, as it is", () => {
    const scorer = { score: () => 1 };
    expect(parseOptions(schema, { scorer }, "bestOfN").scorer).toBe(scorer);
  });

  it("names a factory given instead of what it returns, with a hint to call it", () => {
    function labOutcomeChecker() {
      return { score: () => 1 };
    }
    expect(parse({ scorer: labOutcomeChecker })).toThrow(
      "bestOfN: scorer must be an outcome scorer (an object with a score method), got the function labOutcomeChecker; call it and pass the scorer it returns",
    );
  });

  it("names the methods an object lacks, listed in a sentence", () => {
    expect(parse({ scorer: { score: () => 1 }, backend: { describe: () => ({}) } })).toThrow(
      "bestOfN: backend must be a backend (an object with describe, capabilities and generate methods), got an object without capabilities and generate",
    );
  });

  it("shows any other value as given, and says what a missing one must be", () => {
    expect(parse({})).toThrow(
      "bestOfN: scorer: missing; expected an outcome scorer (an object with a score method)",
    );
    expect(parse({ scorer: "checker" })).toThrow('got "checker"');
  });
});
