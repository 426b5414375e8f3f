import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { parseRoutingOptions, routingBaseline, routingUsage } from "./routing-options.ts";

/** The ConfigError `parseRoutingOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseRoutingOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

/** The labels of the methods `argv` runs. */
function labels(argv: readonly string[]): string[] {
  return (parseRoutingOptions(argv)?.methods ?? []).map((method) => method.label);
}

describe("parseRoutingOptions", () => {
  it("reads the defaults: every method, the default pair and τ", () => {
    const options = parseRoutingOptions([]);
    expect(options).toMatchObject({
      problems: 120,
      dataset: "lab:mixed",
      seed: 0,
      threads: 1,
      speedProblems: 30,
      pair: { small: "lab-v2-small", large: "lab-v2-large" },
      glimp: { threshold: 0.5067, glimpse: 12, handoffThreshold: 0.6634 },
      baselineAdded: false,
      json: "runs/bench-routing.json",
    });
    expect(options?.methods.length).toBeGreaterThan(20);
    expect(labels([])).toContain("glimp@0.5067k12");
  });

  it("reads overrides; τ names the GlimpRouter methods", () => {
    expect(
      parseRoutingOptions([
        "--problems",
        "60",
        "--dataset",
        "lab:hard",
        "--small",
        "lab-small",
        "--large",
        "lab-large",
        "--glimp-threshold",
        "0.5159",
      ]),
    ).toMatchObject({
      problems: 60,
      dataset: "lab:hard",
      pair: { small: "lab-small", large: "lab-large" },
      glimp: { threshold: 0.5159 },
    });
    expect(labels(["--glimp-threshold", "0.5159"])).toContain("glimp@0.5159k12");
  });

  it("runs the baseline of the cost ratio with --only, and says it was added", () => {
    const options = parseRoutingOptions(["--only", "uniform,compute-optimal"]);
    expect(options?.baselineAdded).toBe(true);
    const picked = labels(["--only", "uniform,compute-optimal"]);
    expect(picked).toContain(routingBaseline);
    expect(picked).toContain("large uniform 4/problem");
    expect(picked).toContain("large compute-optimal 8/problem");
    expect(picked).not.toContain("cascade@8");
    expect(picked.every((label) => /uniform|compute-optimal/.test(label) || label === routingBaseline)).toBe(
      true,
    );
    expect(parseRoutingOptions(["--only", "large sc@8,cascade-mass"])?.baselineAdded).toBe(false);
    expect(labels(["--only", "large sc@8,cascade-mass"])).toEqual([
      "large sc@8",
      "cascade-mass@2x8",
      "cascade-mass@4x8",
    ]);
  });

  it("takes a whole label with a comma in --only as one text, alone or among others", () => {
    expect(labels(["--only", "large uniform 4/problem, mass vote"])).toEqual([
      routingBaseline,
      "large uniform 4/problem, mass vote",
    ]);
    // The longest label wins; the items around it are split as usual.
    expect(labels(["--only", "cascade-mass@2x8,cascade sc@4 > large mass@8u0.5, t1,bild"])).toEqual([
      routingBaseline,
      "cascade sc@4 > large mass@8u0.5, t1",
      "cascade-mass@2x8",
      "bild@0.7x0.1",
    ]);
    // Items that together are no whole label stay apart: "mass vote" is a text of its own.
    expect(labels(["--only", "uniform 8/problem,mass vote"])).toEqual([
      routingBaseline,
      "large uniform 8/problem",
      "large uniform 4/problem, mass vote",
    ]);
    expect(refusal(["--only", "large uniform 4/problem, nothing"])).toEqual({
      field: "--only",
      message: expect.stringMatching(/^bench:routing: --only "nothing" matches no method; the methods: /),
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag", () => {
    expect(parseRoutingOptions(["--help"])).toBeUndefined();
    expect(parseRoutingOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--problems <count>",
      "(default 120)",
      "--dataset",
      "(default lab:mixed)",
      "--seed",
      "--threads",
      "--speed-problems",
      "(default 30)",
      "--only",
      "--small",
      "(default lab-v2-small)",
      "--large",
      "(default lab-v2-large)",
      "--glimp-threshold",
      "(default 0.5067)",
      "--glimp-handoff-threshold",
      "(default 0.6634)",
      "--json",
      "(default runs/bench-routing.json)",
    ]) {
      expect(routingUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:routing: unknown option --bogus (--help lists the options)"],
      [["--problems", "0"], "--problems", "bench:routing: --problems must be an integer ≥ 1, got 0"],
      [
        ["--speed-problems", "abc"],
        "--speed-problems",
        'bench:routing: --speed-problems must be an integer ≥ 1, got "abc"',
      ],
      [
        ["--glimp-threshold", "0"],
        "--glimp-threshold",
        "bench:routing: --glimp-threshold must be a number > 0, got 0",
      ],
      [
        ["--small", "lab-v2-large"],
        "--large",
        'bench:routing: --small and --large both name "lab-v2-large"; expected two models',
      ],
      [
        ["--small", " "],
        "--small",
        'bench:routing: --small must be a lab model name or a .gguf path, got ""',
      ],
      [["--json", ""], "--json", 'bench:routing: --json must be the path of the file to write, got ""'],
      [
        ["--only", "uniform,,greedy"],
        "--only",
        'bench:routing: --only: the second item of "uniform,,greedy" is empty; expected a comma-separated list without empty items',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
    expect(refusal(["--seed=-1"])).toEqual({
      field: "--seed",
      message: "bench:routing: --seed must be an integer from 0 to 2147483647, got -1",
    });
  });

  it("refuses an --only text that matches no method, listing the methods", () => {
    const refused = refusal(["--only", "uniform,nomatch"]);
    expect(refused?.field).toBe("--only");
    expect(refused?.message).toMatch(/^bench:routing: --only "nomatch" matches no method; the methods: /);
    expect(refused?.message).toContain('"small greedy", "small sc@8"');
  });
});
