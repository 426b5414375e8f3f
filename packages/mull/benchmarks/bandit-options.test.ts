import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { banditUsage, parseBanditOptions } from "./bandit-options.ts";

/** The ConfigError `parseBanditOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseBanditOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseBanditOptions", () => {
  it("reads the defaults", () => {
    expect(parseBanditOptions([])).toEqual({
      problems: 100,
      dataset: "lab:hard",
      policies: ["ucb", "thompson"],
      lambdas: [0, 0.002, 0.02],
      priceBasis: "parameters",
      pair: { small: "lab-v2-small", large: "lab-v2-large" },
      threads: 1,
      warmup: 3,
      temperature: undefined,
      seed: 0,
      json: "runs/bench-bandit.json",
    });
  });

  it("reads overrides, each policy and λ once", () => {
    expect(
      parseBanditOptions([
        "--problems",
        "300",
        "--dataset",
        "lab:mixed",
        "--lambdas",
        "0, 0.001,0.001",
        "--policies",
        "ucb,ucb",
        "--prices",
        "time",
        "--warmup",
        "0",
        "--temperature",
        "1.25",
        "--small",
        "lab-small",
        "--large",
        "lab-large",
      ]),
    ).toMatchObject({
      problems: 300,
      dataset: "lab:mixed",
      lambdas: [0, 0.001],
      policies: ["ucb"],
      priceBasis: "time",
      warmup: 0,
      temperature: 1.25,
      pair: { small: "lab-small", large: "lab-large" },
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag", () => {
    expect(parseBanditOptions(["--help"])).toBeUndefined();
    expect(parseBanditOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--problems <count>",
      "(default 100)",
      "--dataset",
      "(default lab:hard)",
      "--policies",
      "(default ucb,thompson)",
      "--lambdas",
      "(default 0,0.002,0.02)",
      "--prices",
      "(default parameters)",
      "--small",
      "--large",
      "--threads",
      "--warmup",
      "(default 3)",
      "--temperature",
      "--seed",
      "--json",
      "(default runs/bench-bandit.json)",
    ]) {
      expect(banditUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:bandit: unknown option --bogus (--help lists the options)"],
      [["--problems", "0"], "--problems", "bench:bandit: --problems must be an integer ≥ 1, got 0"],
      [["--seed", "20001"], "--seed", "bench:bandit: --seed must be an integer from 0 to 20000, got 20001"],
      [
        ["--threads", "abc"],
        "--threads",
        'bench:bandit: --threads must be an integer from 1 to 256, got "abc"',
      ],
      [
        ["--policies", "ucb,foo"],
        "--policies",
        'bench:bandit: --policies must be "ucb" or "thompson", got "foo"',
      ],
      [["--lambdas=-1"], "--lambdas", "bench:bandit: --lambdas must be a number ≥ 0, got -1"],
      [
        ["--lambdas", "0,"],
        "--lambdas",
        'bench:bandit: --lambdas: the second item of "0," is empty; expected a comma-separated list without empty items',
      ],
      [
        ["--prices", "tokens"],
        "--prices",
        'bench:bandit: --prices must be "parameters" or "time", got "tokens"',
      ],
      [
        ["--dataset", "gsm8k"],
        "--dataset",
        'bench:bandit: --dataset must be a lab dataset (lab:1, lab:2, lab:3, lab:4, lab:5, lab:6, lab:mixed, lab:hard, lab:two-digit), whose checker rewards the routes, got "gsm8k"',
      ],
      [
        ["--large", "lab-v2-small"],
        "--large",
        'bench:bandit: --small and --large both name "lab-v2-small"; expected two models',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
  });
});
