import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { adaptiveUsage, checkLabModel, parseAdaptiveOptions, referenceProtocol } from "./adaptive-options.ts";

/** The ConfigError `parseAdaptiveOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseAdaptiveOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseAdaptiveOptions", () => {
  it("reads the defaults, and the parallel methods' widths", () => {
    const options = parseAdaptiveOptions([]);
    expect(options).toMatchObject({
      replay: true,
      lab: true,
      shuffles: 20,
      shuffle: "python",
      seed: 0,
      k: 64,
      window: 8,
      threshold: "0.95",
      agreements: [2, 3, 4],
      parallel: ["pasc@24f12", "pprobe@16s8:q0.9"],
      parallelWidths: [24, 16],
      labProblems: 60,
      labModel: "lab-v2-large",
    });
    expect(
      parseAdaptiveOptions(["--no-lab", "--agreements", "", "--k", "32", "--window", "32"]),
    ).toMatchObject({ lab: false, agreements: [], k: 32, window: 32 });
    expect(parseAdaptiveOptions(["--no-replay"])).toMatchObject({ replay: false, lab: true });
  });

  it("refuses --no-replay with --no-lab, which leave nothing to run, in either order", () => {
    const expected = {
      field: "--no-lab",
      message:
        "bench:adaptive: --no-replay and --no-lab together leave nothing to run; give at most one of them",
    };
    expect(refusal(["--no-lab", "--no-replay"])).toEqual(expected);
    expect(refusal(["--no-replay", "--no-lab"])).toEqual(expected);
  });

  it("answers --help with undefined, the usage listing every option", () => {
    expect(parseAdaptiveOptions(["--help"])).toBeUndefined();
    expect(parseAdaptiveOptions(["-h"])).toBeUndefined();
    for (const flag of [
      "--no-replay",
      "--no-lab",
      "--data",
      "--k",
      "--window",
      "--agreements",
      "--lab-model",
    ]) {
      expect(adaptiveUsage).toContain(flag);
    }
  });

  it("names the flag and the value of a bad argument, never the strategies built from it", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:adaptive: unknown option --bogus (--help lists the options)"],
      [["--k", "0"], "--k", "bench:adaptive: --k must be an integer ≥ 1, got 0"],
      [
        ["--k", "129"],
        "--k",
        "bench:adaptive: --k must be an integer from 1 to 128, the traces the replay files hold per problem, got 129",
      ],
      [["--window", "0"], "--window", "bench:adaptive: --window must be an integer ≥ 1, got 0"],
      [
        ["--window", "65"],
        "--window",
        "bench:adaptive: --window must be an integer from 1 to --k (64), got 65",
      ],
      [["--agreements", "2,0"], "--agreements", "bench:adaptive: --agreements must be an integer ≥ 1, got 0"],
      [
        ["--agreements", "2,x"],
        "--agreements",
        'bench:adaptive: --agreements must be an integer ≥ 1, got "x"',
      ],
      [
        ["--threshold", "2"],
        "--threshold",
        "bench:adaptive: --threshold must be a number > 0 and ≤ 1, got 2",
      ],
      [["--shuffles", "0"], "--shuffles", "bench:adaptive: --shuffles must be an integer ≥ 1, got 0"],
      [
        ["--lab-problems", "0"],
        "--lab-problems",
        "bench:adaptive: --lab-problems must be an integer ≥ 1, got 0",
      ],
      [["--parallel", "pasc@0"], "k", "--parallel: pasc@0: k must be an integer ≥ 1, got 0"],
      [
        ["--agreements", "2,,4"],
        "--agreements",
        'bench:adaptive: --agreements: the second item of "2,,4" is empty; expected a comma-separated list without empty items',
      ],
      [
        ["--agreements", "2,3,"],
        "--agreements",
        'bench:adaptive: --agreements: the third item of "2,3," is empty; expected a comma-separated list without empty items',
      ],
      [
        ["--parallel", "pasc@24f12,,pprobe@16s8:q0.9"],
        "--parallel",
        'bench:adaptive: --parallel: the second item of "pasc@24f12,,pprobe@16s8:q0.9" is empty; expected a comma-separated list without empty items',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
    expect(refusal(["--threshold"])?.message).toBe(
      "bench:adaptive: --threshold expects a value; got nothing (--help lists the options)",
    );
  });
});

describe("referenceProtocol", () => {
  it("holds only on the reference draws with maj@64, asc@64 at 0.95 and esc@64w8", () => {
    const defaults = parseAdaptiveOptions(["--no-lab"])!;
    expect(referenceProtocol(defaults)).toBe(true);
    for (const argv of [
      ["--k", "8", "--window", "8"],
      ["--k", "32"],
      ["--window", "4"],
      ["--threshold", "0.9"],
      ["--seed", "1"],
      ["--shuffles", "10"],
      ["--shuffle", "mull"],
    ]) {
      expect(referenceProtocol(parseAdaptiveOptions(["--no-lab", ...argv])!), argv.join(" ")).toBe(false);
    }
  });
});

describe("checkLabModel", () => {
  it("refuses a .gguf path with no file", async () => {
    await expect(checkLabModel("/no/such/model.gguf")).rejects.toThrow(
      "bench:adaptive: --lab-model: no model file at /no/such/model.gguf",
    );
  });

  it("refuses a name the lab models' card does not list, when there is a card", async () => {
    const { labModels } = await import("@mull/llama-cpp");
    const names = (await labModels()).map((card) => card.name);
    if (names.length === 0) return;
    await expect(checkLabModel("lab-v2-lrage")).rejects.toThrow(
      `bench:adaptive: unknown lab model "lab-v2-lrage" for --lab-model; expected one of ${names.join(", ")}`,
    );
    await expect(checkLabModel(names[0]!)).resolves.toBeUndefined();
  });
});
