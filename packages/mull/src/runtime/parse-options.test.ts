import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { expecting } from "./must-be.ts";
import { integerSchema } from "./number-schema.ts";
import { issuePath, parseOptions } from "./parse-options.ts";

const schema = z.object({
  n: z.int().min(1),
  upstreams: z.array(z.object({ baseUrl: z.string() })).default([]),
});

describe("parseOptions", () => {
  it("returns the parsed value with defaults", () => {
    expect(parseOptions(schema, { n: 2 }, "thing")).toEqual({ n: 2, upstreams: [] });
  });

  it("names one problem by its dotted path", () => {
    const attempt = () => parseOptions(schema, { n: 2, upstreams: [{ baseUrl: 3 }] }, "thing");
    expect(attempt).toThrow("thing: upstreams[0].baseUrl must be a string, got 3");
    try {
      attempt();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("upstreams[0].baseUrl");
    }
  });

  it("lists several problems, each with its path, under a prefix", () => {
    try {
      parseOptions(schema, { n: 0, upstreams: [{}] }, "serve", "config");
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      // Zod's own wording of a bound is put in the shared one too.
      expect(message).toMatch(/^serve is invalid:\n {2}config\.n must be a number of at least 1, got 0\n/);
      expect(message).toMatch(/\n {2}config\.upstreams\[0\]\.baseUrl: /);
      expect((error as ConfigError).field).toBe("config.n");
    }
  });

  it("names the part of a union at fault, and a discriminated union's tags", () => {
    const part = z.object({ type: z.literal("text"), text: z.string() });
    const content = z.object({ content: z.union([z.string(), z.array(part)]) });
    expect(() =>
      parseOptions(content, { content: [{ type: "text", text: "a" }, { type: "image" }] }, "thing"),
    ).toThrow(/^thing: content\[1\]\.type must be "text", got "image"$/);
    expect(() => parseOptions(content, { content: 5 }, "thing")).toThrow(
      /^thing: content must be a string or an array, got 5$/,
    );
    const choice = z.object({
      choice: z.discriminatedUnion("type", [
        z.object({ type: z.literal("auto") }),
        z.object({ type: z.literal("none") }),
      ]),
    });
    try {
      parseOptions(choice, { choice: { type: "any" } }, "thing");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('thing: choice.type must be "auto" or "none", got "any"');
      expect((error as ConfigError).field).toBe("choice.type");
    }
    expect(() => parseOptions(choice, { choice: {} }, "thing")).toThrow(
      /^thing: choice\.type: missing; expected "auto" or "none"$/,
    );
  });

  it("lets a message that names its field stand after the whole path", () => {
    const named = z.object({ pool: z.object({ size: z.int().min(1, "size must be ≥ 1") }) });
    expect(() => parseOptions(named, { pool: { size: 0 } }, "thing")).toThrow(
      /^thing: pool\.size must be ≥ 1$/,
    );
  });

  it("names an unknown key by its path, with the keys its object takes", () => {
    const strict = z.strictObject({
      limits: z.strictObject({ maxCalls: z.int().optional(), maxTokens: z.int().optional() }).optional(),
      items: z.array(z.strictObject({ name: z.string() })).default([]),
      seed: z.int().default(0),
    });
    const failure = (value: unknown, prefix?: string): ConfigError => {
      try {
        parseOptions(strict, value, "thing", prefix);
      } catch (error) {
        if (ConfigError.isInstance(error)) return error as ConfigError;
      }
      throw new Error("expected a ConfigError");
    };
    const root = failure({ sed: 1 });
    expect(root.message).toBe("thing: sed: unknown key (thing takes limits, items, seed)");
    expect(root.field).toBe("sed");
    const nested = failure({ limits: { maxCall: 2 } });
    expect(nested.message).toBe("thing: limits.maxCall: unknown key (limits takes maxCalls, maxTokens)");
    expect(nested.field).toBe("limits.maxCall");
    expect(failure({ items: [{ name: "a", nme: "b" }] }).message).toBe(
      "thing: items[0].nme: unknown key (items[0] takes name)",
    );
    const prefixed = failure({ a: 1, b: 2 }, "config");
    expect(prefixed.message).toBe(
      "thing: config.a, config.b: unknown keys (config takes limits, items, seed)",
    );
    expect(prefixed.field).toBe("config.a");
  });

  it("looks through a transform and a default to the object's keys", () => {
    const wrapped = z
      .strictObject({ size: z.int().default(1) })
      .transform((value) => value.size)
      .default(1);
    expect(() => parseOptions(wrapped, { sise: 2 }, "pool")).toThrow(
      /^pool: sise: unknown key \(pool takes size\)$/,
    );
  });

  it("says a missing option is missing and what it must be", () => {
    const failure = (shape: Record<string, z.ZodType>, value: unknown): ConfigError => {
      try {
        parseOptions(z.strictObject(shape), value, "thing");
      } catch (error) {
        if (ConfigError.isInstance(error)) return error as ConfigError;
      }
      throw new Error("expected a ConfigError");
    };
    // A description wins; it says what a type alone cannot.
    const described = failure({ model: z.custom<string>().describe("a path to a .gguf file") }, {});
    expect(described.message).toBe("thing: model: missing; expected a path to a .gguf file");
    expect(described.field).toBe("model");
    // A message in the shared wording gives its expectation; zod's expected type is put in words.
    expect(failure({ n: integerSchema({ minimum: 1 }) }, {}).message).toBe(
      "thing: n: missing; expected an integer ≥ 1",
    );
    expect(failure({ name: z.string() }, { name: undefined }).message).toBe(
      "thing: name: missing; expected a string",
    );
    expect(failure({ signal: z.instanceof(AbortSignal) }, {}).message).toBe(
      "thing: signal: missing; expected an AbortSignal",
    );
    expect(failure({ mode: z.enum(["fast", "slow"]) }, {}).message).toBe(
      'thing: mode: missing; expected "fast" or "slow"',
    );
    expect(failure({ size: z.union([z.string(), z.number()]) }, {}).message).toBe(
      "thing: size: missing; expected a string or a number",
    );
    // A key that must be present says what its own schema makes of undefined, or at least that a value is due.
    const refined = z
      .custom<string>()
      .refine((value) => typeof value === "string", { error: expecting("a question") });
    expect(failure({ problem: refined }, {}).message).toBe("thing: problem: missing; expected a question");
    expect(failure({ anything: z.custom<string>() }, {}).message).toBe(
      "thing: anything: missing; expected a value",
    );
    // Several missing options are listed, each with its expectation.
    expect(failure({ a: z.string(), b: z.boolean() }, {}).message).toBe(
      "thing is invalid:\n  a: missing; expected a string\n  b: missing; expected a boolean",
    );
  });

  it("leaves a message a schema words its own way about an absent key as it is", () => {
    const worded = z.object({
      prompt: z.string({ error: (issue) => `needs a prompt, got ${String(issue.input)}` }),
    });
    expect(() => parseOptions(worded, {}, "template")).toThrow(
      /^template: prompt: needs a prompt, got undefined$/,
    );
  });

  it("leaves a check's own message about an absent key as it is", () => {
    const paired = z
      .object({ low: z.number().optional(), high: z.number().optional() })
      .superRefine((value, context) => {
        if (value.low !== undefined && value.high === undefined) {
          context.addIssue({ code: "custom", path: ["high"], message: "high goes with low" });
        }
      });
    expect(() => parseOptions(paired, { low: 1 }, "range")).toThrow(/^range: high goes with low$/);
  });

  it("says an options object is missing, with the keys it must have first", () => {
    const options = z.strictObject({
      seed: z.int().optional(),
      problem: z.string(),
      strategy: z.string(),
      backend: z.custom<object>(),
      budget: z.number().default(1),
    });
    const failure = (value: unknown, prefix?: string): ConfigError => {
      try {
        parseOptions(options, value, "solve", prefix);
      } catch (error) {
        if (ConfigError.isInstance(error)) return error as ConfigError;
      }
      throw new Error("expected a ConfigError");
    };
    const none = failure(undefined);
    expect(none.message).toBe(
      "solve: expected an options object { problem, strategy, backend, … }; got undefined",
    );
    expect(none.field).toBe("options");
    expect(failure("sc@8").message).toBe(
      'solve: expected an options object { problem, strategy, backend, … }; got "sc@8"',
    );
    expect(failure([]).message).toMatch(/; got \[\]$/);
    const nested = failure(5, "budget");
    expect(nested.message).toBe("solve: budget: expected an object { problem, strategy, backend, … }; got 5");
    expect(nested.field).toBe("budget");
    // With few keys, all of them are shown, and none of them needed still shows the object's keys.
    const small = z.strictObject({ a: z.number().optional(), b: z.number().optional() });
    expect(() => parseOptions(small, null, "pair")).toThrow(
      /^pair: expected an options object \{ a, b \}; got null$/,
    );
    // An object that takes keys its schema does not list ends in `…` too.
    expect(() => parseOptions(z.object({ backend: z.custom<object>() }), 1, "judge")).toThrow(
      /^judge: expected an options object \{ backend, … \}; got 1$/,
    );
  });

  it("writes paths with indices", () => {
    expect(issuePath([])).toBe("(root)");
    expect(issuePath(["a", 0, "b", 1])).toBe("a[0].b[1]");
    expect(issuePath([0, "content"])).toBe("[0].content");
  });

  it("names the empty path as asked", () => {
    expect(issuePath([], { root: "" })).toBe("");
    expect(issuePath([], { root: "(the row)" })).toBe("(the row)");
    expect(issuePath(["messages", 2], { root: "" })).toBe("messages[2]");
  });
});
