import { ConfigError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { parseSpeculativeOptions, speculativeUsage } from "./speculative-options.ts";

/** The ConfigError `parseSpeculativeOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseSpeculativeOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseSpeculativeOptions", () => {
  it("reads the defaults", () => {
    expect(parseSpeculativeOptions([])).toEqual({
      model: "lab-v2-large",
      draft: "lab-v2-small",
      dataset: "lab:hard",
      problems: 20,
      rounds: 5,
      threads: 1,
      maxTokens: 160,
      draftTokens: undefined,
      lookupTokens: undefined,
      seed: 0,
    });
  });

  it("reads overrides", () => {
    expect(
      parseSpeculativeOptions([
        "--model",
        "lab-large",
        "--draft",
        "lab-small",
        "--problems",
        "40",
        "--rounds",
        "3",
        "--draft-tokens",
        "4",
        "--lookup-tokens",
        "2",
        "--dataset",
        "lab:mixed",
      ]),
    ).toMatchObject({
      model: "lab-large",
      draft: "lab-small",
      problems: 40,
      rounds: 3,
      draftTokens: 4,
      lookupTokens: 2,
      dataset: "lab:mixed",
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseSpeculativeOptions(["--help"])).toBeUndefined();
    expect(parseSpeculativeOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--model",
      "(default lab-v2-large)",
      "--draft <name>",
      "(default lab-v2-small)",
      "--dataset",
      "--problems",
      "(default 20)",
      "--rounds",
      "(default 5)",
      "--threads",
      "--max-tokens",
      "(default 160)",
      "--draft-tokens",
      "--lookup-tokens",
      "--seed",
    ]) {
      expect(speculativeUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:speculative: unknown option --bogus (--help lists the options)"],
      [["--problems", "0"], "--problems", "bench:speculative: --problems must be an integer ≥ 1, got 0"],
      [["--rounds", "0"], "--rounds", "bench:speculative: --rounds must be an integer ≥ 1, got 0"],
      [["--rounds", "abc"], "--rounds", 'bench:speculative: --rounds must be an integer ≥ 1, got "abc"'],
      [
        ["--max-tokens", "1.5"],
        "--max-tokens",
        "bench:speculative: --max-tokens must be an integer ≥ 1, got 1.5",
      ],
      [
        ["--draft-tokens", "65"],
        "--draft-tokens",
        "bench:speculative: --draft-tokens must be an integer from 1 to 64, got 65",
      ],
      [
        ["--seed", "x"],
        "--seed",
        'bench:speculative: --seed must be an integer from 0 to 2147483647, got "x"',
      ],
      [
        ["--draft", ""],
        "--draft",
        'bench:speculative: --draft must be a lab model name or a .gguf path, got ""',
      ],
      [
        ["--dataset", "gsm8k"],
        "--dataset",
        'bench:speculative: --dataset must be "lab:1", "lab:2", "lab:3", "lab:4", "lab:5", "lab:6", "lab:mixed", "lab:hard" or "lab:two-digit", got "gsm8k"',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
  });
});
