import { ConfigError } from "mull";
import { describe, expect, it } from "vitest";
import { deepConfUsage, parseDeepConfOptions } from "./deep-conf-online-options.ts";

/** The ConfigError `parseDeepConfOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseDeepConfOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseDeepConfOptions", () => {
  it("reads the defaults", () => {
    expect(parseDeepConfOptions([])).toEqual({
      problems: 240,
      dataset: "lab:mixed",
      n: 16,
      model: "lab-large",
      temperature: 1.25,
      variants: [{ spec: "default", settings: {} }],
      concurrency: 4,
      seed: 0,
    });
  });

  it("reads the flags given and each variant's settings", () => {
    expect(
      parseDeepConfOptions([
        "--problems",
        "120",
        "--dataset",
        "lab:hard",
        "--n",
        "64",
        "--model",
        "lab-v2-large",
        "--temperature",
        "1.0",
        "--variants",
        "default, w8,g14,k50,w4k10t0.9v2",
        "--concurrency",
        "1",
        "--seed",
        "7",
      ]),
    ).toEqual({
      problems: 120,
      dataset: "lab:hard",
      n: 64,
      model: "lab-v2-large",
      temperature: 1,
      variants: [
        { spec: "default", settings: {} },
        { spec: "w8", settings: { warmup: 8 } },
        { spec: "g14", settings: { window: 14 } },
        { spec: "k50", settings: { keepPercent: 50 } },
        { spec: "w4k10t0.9v2", settings: { warmup: 4, keepPercent: 10, consensus: 0.9, waveSize: 2 } },
      ],
      concurrency: 1,
      seed: 7,
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseDeepConfOptions(["--help"])).toBeUndefined();
    expect(parseDeepConfOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--problems <count>",
      "(default 240)",
      "(default lab:mixed)",
      "--n <count>",
      "(default lab-large)",
      "(default 1.25)",
      "--variants <list>",
      "--concurrency <count>",
      "(default 4)",
      "--seed <value>",
    ]) {
      expect(deepConfUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument, never the factory it goes to", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:deepconf: unknown option --bogus (--help lists the options)"],
      [
        ["--concurrency", "0"],
        "--concurrency",
        "bench:deepconf: --concurrency must be an integer ≥ 1, got 0",
      ],
      [["--n", "abc"], "--n", 'bench:deepconf: --n must be an integer ≥ 1, got "abc"'],
      [
        ["--temperature", "abc"],
        "--temperature",
        'bench:deepconf: --temperature must be a number ≥ 0, got "abc"',
      ],
      [["--problems", "0"], "--problems", "bench:deepconf: --problems must be an integer ≥ 1, got 0"],
      [["--seed=-1"], "--seed", "bench:deepconf: --seed must be an integer from 0 to 2147483647, got -1"],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
    const dataset = refusal(["--dataset", "lab:9"]);
    expect(dataset?.field).toBe("--dataset");
    expect(dataset?.message).toMatch(/^bench:deepconf: --dataset must be .*"lab:hard".*, got "lab:9"$/);
  });

  it("refuses an unknown, repeated or impossible variant, listing the forms", () => {
    expect(refusal(["--variants", "bogus"])).toEqual({
      field: "--variants",
      message:
        'bench:deepconf: --variants: unknown variant "bogus"; expected default, or letters each followed by a ' +
        "number: w (warm-up traces), k (keepPercent), t (consensus), v (wave size), g (window), as in w4k10t0.9",
    });
    expect(refusal(["--variants", "default,w4x2"])?.message).toContain('unknown variant "w4x2"');
    expect(refusal(["--variants", "w2,w2"])).toEqual({
      field: "--variants",
      message: 'bench:deepconf: --variants names "w2" twice',
    });
    expect(refusal(["--variants", "w2k10w4"])?.message).toBe(
      'bench:deepconf: --variants: variant "w2k10w4" sets w (warmup) twice',
    );
    expect(refusal(["--n", "8", "--variants", "w16"])).toEqual({
      field: "--variants",
      message:
        'bench:deepconf: --variants: variant "w16" at --n 8: deepConfOnline: warmup must be an integer from 1 to 8, got 16',
    });
  });
});
