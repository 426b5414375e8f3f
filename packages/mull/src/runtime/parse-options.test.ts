import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
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
    expect(attempt).toThrow(/^thing: upstreams\[0\]\.baseUrl: /);
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
      expect(message).toMatch(/^serve is invalid:\n {2}config\.n: /);
      expect(message).toMatch(/\n {2}config\.upstreams\[0\]\.baseUrl: /);
      expect((error as ConfigError).field).toBe("config.n");
    }
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
