import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { expecting, mustBe, optionError } from "./must-be.ts";
import { parseOptions } from "./parse-options.ts";

describe("the must-be wording", () => {
  it("says what a value must be and shows the value as it was", () => {
    expect(mustBe("an integer ≥ 1", 0)).toBe("must be an integer ≥ 1, got 0");
    expect(mustBe("a boolean", "yes")).toBe('must be a boolean, got "yes"');
    expect(mustBe("a number", Number.NaN)).toBe("must be a number, got NaN");
  });

  it("builds a ConfigError that names owner, field, expectation and value, with the field set", () => {
    const error = optionError("createLlamaCppBackend", "stop", [""], "an array of non-empty strings");
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe('createLlamaCppBackend: stop must be an array of non-empty strings, got [""]');
    expect(error.field).toBe("stop");
  });

  it("words a zod schema's problem the same way once parseOptions puts the path before it", () => {
    const schema = z.object({ gpu: z.literal(false, { error: expecting("false") }).optional() });
    expect(() => parseOptions(schema, { gpu: true }, "createLlamaCppBackend")).toThrow(
      "createLlamaCppBackend: gpu must be false, got true",
    );
    // Zod's own messages for a wrong type or value are put in the same words.
    expect(() => parseOptions(z.object({ n: z.number() }), { n: "x" }, "sc")).toThrow(
      'sc: n must be a number, got "x"',
    );
    expect(() => parseOptions(z.object({ mode: z.enum(["fast", "slow"]) }), { mode: 1 }, "sc")).toThrow(
      'sc: mode must be "fast" or "slow", got 1',
    );
  });
});
