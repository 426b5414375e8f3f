import { describe, expect, it } from "vitest";
import { z } from "zod";
import { integerSchema, numberSchema } from "./number-schema.ts";
import { parseOptions } from "./parse-options.ts";

describe("number schemas", () => {
  const schema = z.object({
    resamples: integerSchema({ minimum: 1 }).default(1000),
    confidence: numberSchema({ exclusiveMinimum: 0, exclusiveMaximum: 1 }).optional(),
    temperatures: z.array(numberSchema({ minimum: 0 })).optional(),
  });

  it("accept what the scalar checkers accept, with the schema's defaults", () => {
    expect(parseOptions(schema, {}, "bootstrap")).toEqual({ resamples: 1000 });
    expect(parseOptions(schema, { resamples: 5, confidence: 0.9 }, "bootstrap")).toEqual({
      resamples: 5,
      confidence: 0.9,
    });
  });

  it("name the path, what was expected and the value given, in the scalar checks' words", () => {
    expect(() => parseOptions(schema, { resamples: 1.5 }, "bootstrap")).toThrow(
      "bootstrap: resamples must be an integer ≥ 1, got 1.5",
    );
    expect(() => parseOptions(schema, { confidence: 1 }, "bootstrap")).toThrow(
      "bootstrap: confidence must be a number > 0 and < 1, got 1",
    );
    expect(() => parseOptions(schema, { temperatures: [1, "hot"] }, "bench")).toThrow(
      'bench: temperatures[1] must be a number ≥ 0, got "hot"',
    );
    expect(() => parseOptions(schema, { confidence: Number.NaN }, "bootstrap")).toThrow(
      "bootstrap: confidence must be a number > 0 and < 1, got NaN",
    );
  });
});
