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

  it("writes paths with indices", () => {
    expect(issuePath([])).toBe("(root)");
    expect(issuePath(["a", 0, "b", 1])).toBe("a[0].b[1]");
  });
});
