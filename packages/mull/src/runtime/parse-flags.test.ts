import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { numericFlag, parseFlags } from "./parse-flags.ts";

const options = {
  count: { type: "string", default: "3" },
  lab: { type: "boolean", default: true },
} as const;

/** The error `run` throws. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("parseFlags", () => {
  it("reads flags with their defaults and --no-<flag> for booleans", () => {
    expect(parseFlags("bench:x", [], options)).toEqual({ count: "3", lab: true });
    expect(parseFlags("bench:x", ["--count", "7", "--no-lab"], options)).toEqual({ count: "7", lab: false });
  });

  it("names an unknown flag in a ConfigError", () => {
    const error = thrown(() => parseFlags("bench:x", ["--cuont", "7"], options));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("--cuont");
    expect((error as Error).message).toBe("bench:x: unknown option --cuont (--help lists the options)");
  });

  it("names a flag missing its value, and refuses a stray argument", () => {
    const missing = thrown(() => parseFlags("bench:x", ["--count"], options));
    expect((missing as ConfigError).field).toBe("--count");
    expect((missing as Error).message).toMatch(/^bench:x: .*--count.*\(--help lists the options\)$/);
    const stray = thrown(() => parseFlags("bench:x", ["extra"], options));
    expect(ConfigError.isInstance(stray)).toBe(true);
    expect((stray as Error).message).toContain("extra");
  });
});

describe("numericFlag", () => {
  it("reads plain decimals as numbers and keeps anything else as text", () => {
    expect(numericFlag("12")).toBe(12);
    expect(numericFlag("-3")).toBe(-3);
    expect(numericFlag(".5")).toBe(0.5);
    expect(numericFlag("abc")).toBe("abc");
    expect(numericFlag("1e3")).toBe("1e3");
    expect(numericFlag("")).toBe("");
  });
});
