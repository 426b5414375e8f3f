import { ConfigError } from "mull";
import { describe, expect, it } from "vitest";
import { fidelityUsage, parseFidelityOptions } from "./fidelity-options.ts";

/** The ConfigError `parseFidelityOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseFidelityOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseFidelityOptions", () => {
  it("reads the defaults and the flags given", () => {
    expect(parseFidelityOptions([])).toEqual({ problems: 4, samples: 32, seeds: 3, noise: 0.01 });
    expect(
      parseFidelityOptions(["--problems", "1", "--samples", "4096", "--seeds", "1", "--noise", "1"]),
    ).toEqual({ problems: 1, samples: 4096, seeds: 1, noise: 1 });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseFidelityOptions(["--help"])).toBeUndefined();
    expect(parseFidelityOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--problems <count>",
      "(default 4)",
      "--samples <count>",
      "(default 32)",
      "--seeds <count>",
      "(default 3)",
      "--noise <size>",
      "(default 0.01)",
    ]) {
      expect(fidelityUsage).toContain(text);
    }
  });

  it("refuses no prompt, no seed and the other bad values, naming the flag and the value", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:fidelity: unknown option --bogus (--help lists the options)"],
      [["--problems", "0"], "--problems", "bench:fidelity: --problems must be an integer ≥ 1, got 0"],
      [["--seeds", "0"], "--seeds", "bench:fidelity: --seeds must be an integer ≥ 1, got 0"],
      [["--seeds", "two"], "--seeds", 'bench:fidelity: --seeds must be an integer ≥ 1, got "two"'],
      [
        ["--samples", "5000"],
        "--samples",
        "bench:fidelity: --samples must be an integer from 1 to 4096, got 5000",
      ],
      [["--noise", "0"], "--noise", "bench:fidelity: --noise must be a number > 0 and ≤ 1, got 0"],
      [["--noise", "abc"], "--noise", 'bench:fidelity: --noise must be a number > 0 and ≤ 1, got "abc"'],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
  });
});
