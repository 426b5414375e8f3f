import { describe, expect, expectTypeOf, it } from "vitest";
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

  it("types each value by its flag: always there with a default, an array when multiple", () => {
    const values = parseFlags("bench:x", ["--tag", "a", "--tag", "b", "-v"], {
      ...options,
      tag: { type: "string", multiple: true },
      verbose: { type: "boolean", short: "v" },
      model: { type: "string" },
    });
    expect(values).toEqual({ count: "3", lab: true, tag: ["a", "b"], verbose: true });
    expectTypeOf(values.count).toEqualTypeOf<string>();
    expectTypeOf(values.lab).toEqualTypeOf<boolean>();
    expectTypeOf(values.tag).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(values.verbose).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(values.model).toEqualTypeOf<string | undefined>();
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

describe("parseFlags refusals", () => {
  const flags = {
    json: { type: "boolean", default: false },
    temperature: { type: "string" },
    tries: { type: "string", short: "t" },
  } as const;

  /** The message and field of the ConfigError parseFlags throws for `argv`. */
  function refusal(argv: readonly string[]) {
    const error = thrown(() => parseFlags("bench:x", argv, flags));
    expect(ConfigError.isInstance(error)).toBe(true);
    return { message: (error as Error).message, field: (error as ConfigError).field };
  }

  it("says a boolean flag takes no value, given with = or as the next argument", () => {
    expect(refusal(["--json=yes"])).toEqual({
      message:
        "bench:x: --json takes no value; got --json=yes (give --json or --no-json) (--help lists the options)",
      field: "--json",
    });
    expect(refusal(["--no-json=1"]).message).toBe(
      "bench:x: --json takes no value; got --no-json=1 (give --json or --no-json) (--help lists the options)",
    );
    expect(refusal(["--temperature", "0.5", "--json", "yes"])).toEqual({
      message:
        'bench:x: --json takes no value; got "yes" after it (give --json or --no-json) (--help lists the options)',
      field: "--json",
    });
  });

  it("says a value-taking flag got nothing, at the end or before another flag", () => {
    expect(refusal(["--json", "--temperature"])).toEqual({
      message: "bench:x: --temperature expects a value; got nothing (--help lists the options)",
      field: "--temperature",
    });
    expect(refusal(["--temperature", "--json"])).toEqual({
      message: "bench:x: --temperature expects a value; got nothing before --json (--help lists the options)",
      field: "--temperature",
    });
    // The use that has no value is named, not an earlier one that had one; a short alias names the flag.
    expect(refusal(["--tries", "2", "-t"]).message).toBe(
      "bench:x: --tries expects a value; got nothing (--help lists the options)",
    );
    expect(refusal(["--temperature", "-x"]).message).toBe(
      "bench:x: --temperature expects a value; got nothing before -x " +
        "(a value starting with a dash is written --temperature=-x) (--help lists the options)",
    );
  });

  it("takes a negative number as a flag's value, as --flag=-1 is", () => {
    expect(parseFlags("bench:x", ["--temperature", "-1"], flags)).toEqual({ json: false, temperature: "-1" });
    expect(parseFlags("bench:x", ["-t", "-.5", "--json"], flags)).toEqual({ json: true, tries: "-.5" });
    expect(parseFlags("bench:x", ["--temperature=-1.5"], flags)).toEqual({
      json: false,
      temperature: "-1.5",
    });
    // A boolean takes none: -1 stays an (unknown) flag.
    expect(refusal(["--json", "-1"])).toEqual({
      message: "bench:x: unknown option -1 (--help lists the options)",
      field: "-1",
    });
  });

  it("keeps every message on one line, and refuses a stray argument by name", () => {
    for (const argv of [
      ["--temperature", "--json"],
      ["--temperature", "-x"],
      ["--json=1"],
      ["--json", "x"],
    ]) {
      expect(refusal(argv).message).not.toContain("\n");
    }
    expect(refusal(["extra"])).toEqual({
      message: 'bench:x: unexpected argument "extra"; expected only --flags (--help lists the options)',
      field: "arguments",
    });
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
