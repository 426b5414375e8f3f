import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { glimpseUsage, parseGlimpseOptions } from "./glimpse-lab-options.ts";

/** The ConfigError `parseGlimpseOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseGlimpseOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseGlimpseOptions", () => {
  it("reads the defaults", () => {
    expect(parseGlimpseOptions([])).toEqual({
      pair: { small: "lab-v2-small", large: "lab-v2-large" },
      dataset: "lab:hard",
      problems: 100,
      seed: 0,
      dev: 60,
      targets: [0.2, 0.3, 0.4],
      handoff: [0.3, 0.4],
      glimpse: [1, 12],
      bild: [0.3, 0.5, 0.7],
    });
  });

  it("reads overrides", () => {
    expect(
      parseGlimpseOptions([
        "--small",
        "lab-small",
        "--large",
        "lab-large",
        "--dataset",
        "lab:mixed",
        "--problems",
        "20",
        "--dev",
        "100",
        "--handoff",
        "0.3, 0.4,0.5",
        "--glimpse",
        "12",
      ]),
    ).toMatchObject({
      pair: { small: "lab-small", large: "lab-large" },
      dataset: "lab:mixed",
      problems: 20,
      dev: 100,
      handoff: [0.3, 0.4, 0.5],
      glimpse: [12],
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseGlimpseOptions(["--help"])).toBeUndefined();
    expect(parseGlimpseOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--small",
      "(default lab-v2-small)",
      "--large",
      "(default lab-v2-large)",
      "--dataset",
      "(default lab:hard)",
      "--problems",
      "(default 100)",
      "--seed",
      "--dev",
      "(default 60)",
      "--targets",
      "(default 0.2,0.3,0.4)",
      "--handoff",
      "(default 0.3,0.4)",
      "--glimpse",
      "(default 1,12)",
      "--bild",
      "(default 0.3,0.5,0.7)",
    ]) {
      expect(glimpseUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:glimpse: unknown option --bogus (--help lists the options)"],
      [["--problems", "0"], "--problems", "bench:glimpse: --problems must be an integer ≥ 1, got 0"],
      [["--dev", "0"], "--dev", "bench:glimpse: --dev must be an integer ≥ 1, got 0"],
      [["--dev", "abc"], "--dev", 'bench:glimpse: --dev must be an integer ≥ 1, got "abc"'],
      [["--seed=-1"], "--seed", "bench:glimpse: --seed must be an integer from 0 to 2147482647, got -1"],
      [
        ["--targets", "0.2,1.5"],
        "--targets",
        "bench:glimpse: --targets must be a number from 0 to 1, got 1.5",
      ],
      [["--bild", "x"], "--bild", 'bench:glimpse: --bild must be a number from 0 to 1, got "x"'],
      [["--glimpse", "0"], "--glimpse", "bench:glimpse: --glimpse must be an integer ≥ 1, got 0"],
      [
        ["--handoff", ""],
        "--handoff",
        'bench:glimpse: --handoff: no items in ""; expected a comma-separated list without empty items',
      ],
      [
        ["--dataset", "lab:9"],
        "--dataset",
        'bench:glimpse: --dataset must be "lab:1", "lab:2", "lab:3", "lab:4", "lab:5", "lab:6", "lab:mixed", "lab:hard" or "lab:two-digit", got "lab:9"',
      ],
      [
        ["--small", "lab-v2-large"],
        "--large",
        'bench:glimpse: --small and --large both name "lab-v2-large"; expected two models',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
  });
});
