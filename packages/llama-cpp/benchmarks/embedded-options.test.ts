import { ConfigError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { embeddedUsage, parseEmbeddedOptions } from "./embedded-options.ts";

/** The ConfigError `parseEmbeddedOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseEmbeddedOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseEmbeddedOptions", () => {
  it("reads the defaults, leaving the model to the environment or the lab", () => {
    expect(parseEmbeddedOptions([])).toEqual({ model: undefined, rounds: 7, threads: 1, maxTokens: 96 });
  });

  it("reads the model as --model or given first, and the counts", () => {
    expect(parseEmbeddedOptions(["--model", "lab-small", "--rounds", "1"])).toEqual({
      model: "lab-small",
      rounds: 1,
      threads: 1,
      maxTokens: 96,
    });
    expect(parseEmbeddedOptions(["lab-small", "--threads", "2", "--max-tokens", "32"])).toEqual({
      model: "lab-small",
      rounds: 7,
      threads: 2,
      maxTokens: 32,
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseEmbeddedOptions(["--help"])).toBeUndefined();
    expect(parseEmbeddedOptions(["lab-small", "-h"])).toBeUndefined();
    for (const text of [
      "[model]",
      "--model",
      "MULL_BENCH_MODEL",
      "--rounds",
      "(default 7)",
      "--threads",
      "(default 1)",
      "--max-tokens",
      "(default 96)",
    ]) {
      expect(embeddedUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:embedded: unknown option --bogus (--help lists the options)"],
      [["--rounds", "0"], "--rounds", "bench:embedded: --rounds must be an integer ≥ 1, got 0"],
      [["--rounds", "abc"], "--rounds", 'bench:embedded: --rounds must be an integer ≥ 1, got "abc"'],
      [["--threads", "0"], "--threads", "bench:embedded: --threads must be an integer ≥ 1, got 0"],
      [["--max-tokens", "-"], "--max-tokens", 'bench:embedded: --max-tokens must be an integer ≥ 1, got "-"'],
      [
        ["--model", " "],
        "--model",
        'bench:embedded: --model must be a lab model name or a .gguf path, got ""',
      ],
      [
        ["lab-small", "--model", "lab-large"],
        "--model",
        'bench:embedded: --model "lab-large" and the model "lab-small" given first; give the model once',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
    expect(refusal(["--rounds", "1", "lab-small"])?.message).toMatch(
      /^bench:embedded: .*lab-small.*\(--help lists the options\)$/s,
    );
  });
});
