import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { parseSearchOptions, searchUsage } from "./search-options.ts";

/** The ConfigError `parseSearchOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseSearchOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseSearchOptions", () => {
  it("reads the defaults", () => {
    expect(parseSearchOptions([])).toEqual({
      model: undefined,
      problems: 60,
      sizes: [4, 8, 16],
      astar: [2, 4, 8],
      slack: 1.25,
      rewardModels: ["exact", "noisy", "self"],
      families: new Set(["maj", "bon", "beam", "dvts", "pf", "astar"]),
      falsePositiveRate: 0.2,
      falseNegativeRate: 0.2,
      pfTemperatures: [1],
      width: 4,
      seed: 0,
      temperature: undefined,
      threads: 1,
      parallel: 4,
      json: undefined,
    });
  });

  it("reads overrides, lists trimmed, a lone noise rate as the false-positive one", () => {
    const options = parseSearchOptions([
      "--problems",
      "10",
      "--n",
      "4, 8",
      "--prms",
      "noisy,calibrated",
      "--strategies",
      "pf,mcts,tot",
      "--noise",
      "0.1",
      "--slack",
      "2",
      "--temperature",
      "0",
      "--model",
      "lab-small",
      "--json",
      "runs/search.json",
    ]);
    expect(options).toMatchObject({
      problems: 10,
      sizes: [4, 8],
      rewardModels: ["noisy", "calibrated"],
      families: new Set(["pf", "mcts", "tot"]),
      falsePositiveRate: 0.1,
      falseNegativeRate: 0.2,
      slack: 2,
      temperature: 0,
      model: "lab-small",
      json: "runs/search.json",
    });
    expect(parseSearchOptions(["--noise", "0.05,0.3"])).toMatchObject({
      falsePositiveRate: 0.05,
      falseNegativeRate: 0.3,
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseSearchOptions(["--help"])).toBeUndefined();
    expect(parseSearchOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--model",
      "--problems <count>",
      "(default 60)",
      "--n <list>",
      "(default 4,8,16)",
      "--astar",
      "(default 2,4,8)",
      "--slack",
      "(default 1.25)",
      "--prms",
      "(default exact,noisy,self)",
      "--strategies",
      "(default maj,bon,beam,dvts,pf,astar)",
      "--noise",
      "--pf-temperatures",
      "--width",
      "--seed",
      "--temperature",
      "--threads",
      "--parallel",
      "--json",
    ]) {
      expect(searchUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:search: unknown option --bogus (--help lists the options)"],
      [["--slack", "abc"], "--slack", 'bench:search: --slack must be a number > 0, got "abc"'],
      [["--slack", "0"], "--slack", "bench:search: --slack must be a number > 0, got 0"],
      [["--problems", "0"], "--problems", "bench:search: --problems must be an integer ≥ 1, got 0"],
      [["--n", "4,x"], "--n", 'bench:search: --n must be an integer ≥ 1, got "x"'],
      [
        ["--n", "4,,8"],
        "--n",
        'bench:search: --n: the second item of "4,,8" is empty; expected a comma-separated list without empty items',
      ],
      [
        ["--prms", "foo"],
        "--prms",
        'bench:search: --prms must be "exact", "noisy", "calibrated" or "self", got "foo"',
      ],
      [
        ["--strategies", "maj,foo"],
        "--strategies",
        'bench:search: --strategies must be "maj", "bon", "beam", "dvts", "pf", "astar", "mcts" or "tot", got "foo"',
      ],
      [["--noise", "0.2,2"], "--noise", "bench:search: --noise must be a number from 0 to 1, got 2"],
      [
        ["--noise", "0.1,0.1,0.1"],
        "--noise",
        'bench:search: --noise must be one or two rates (false positives, false negatives), got "0.1,0.1,0.1"',
      ],
      [
        ["--pf-temperatures", "1,0"],
        "--pf-temperatures",
        "bench:search: --pf-temperatures must be a number > 0, got 0",
      ],
      [
        ["--seed", "abc"],
        "--seed",
        'bench:search: --seed must be an integer from 0 to 2147483647, got "abc"',
      ],
      [["--temperature=-1"], "--temperature", "bench:search: --temperature must be a number ≥ 0, got -1"],
      [["--parallel", "0"], "--parallel", "bench:search: --parallel must be an integer ≥ 1, got 0"],
      [["--json", ""], "--json", 'bench:search: --json must be the path of the file to write, got ""'],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
    expect(refusal(["--json"])?.message).toBe(
      "bench:search: --json expects a value; got nothing (--help lists the options)",
    );
  });
});
