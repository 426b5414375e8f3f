import { ConfigError } from "mull";
import { describe, expect, it } from "vitest";
import { instabilityUsage, parseInstabilityOptions } from "./instability-options.ts";

/** The ConfigError `parseInstabilityOptions(argv)` throws. */
function refusal(argv: readonly string[]): ConfigError {
  try {
    parseInstabilityOptions(argv);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseInstabilityOptions", () => {
  it("reads the defaults and the flags given as numbers", () => {
    expect(parseInstabilityOptions([])).toEqual({
      problems: 200,
      dataset: "lab:hard",
      samples: 4,
      model: "lab-large",
      temperature: 1.25,
      seed: 0,
    });
    expect(
      parseInstabilityOptions(["--problems", "40", "--samples", "2", "--temperature", "0.7", "--seed", "3"]),
    ).toMatchObject({ problems: 40, samples: 2, temperature: 0.7, seed: 3 });
  });

  it("answers --help and -h with undefined, and the usage lists every flag", () => {
    expect(parseInstabilityOptions(["--help"])).toBeUndefined();
    expect(parseInstabilityOptions(["-h"])).toBeUndefined();
    for (const flag of ["--problems", "--dataset", "--samples", "--model", "--temperature", "--seed"]) {
      expect(instabilityUsage).toContain(flag);
    }
  });

  it("refuses a value that is not a count, naming the flag and the value", () => {
    const error = refusal(["--problems", "abc"]);
    expect(error.field).toBe("--problems");
    expect(error.message).toMatch(/^bench:instability: --problems must be an integer ≥ 1, got "abc"/);
    expect(refusal(["--samples", "0"]).message).toContain("--samples must be an integer ≥ 1, got 0");
    expect(refusal(["--seed", "-1"]).field).toBe("--seed");
    expect(refusal(["--temperature", "hot"]).message).toContain(
      '--temperature must be a number ≥ 0, got "hot"',
    );
  });

  it("refuses an unknown dataset, listing the lab's", () => {
    const error = refusal(["--dataset", "lab:9"]);
    expect(error.field).toBe("--dataset");
    expect(error.message).toContain('got "lab:9"');
    expect(error.message).toContain('"lab:hard"');
  });

  it("refuses an unknown flag and a missing value as a ConfigError, not parseArgs's TypeError", () => {
    const unknown = refusal(["--problem", "5"]);
    expect(unknown.field).toBe("--problem");
    expect(unknown.message).toBe("bench:instability: unknown option --problem (--help lists the options)");
    expect(refusal(["--seed"]).message).toContain("--seed");
  });
});
