import { describe, expect, it } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { parseSpeedOptions, speedUsage } from "./speed-options.ts";

/** The ConfigError `parseSpeedOptions` throws for `argv`. */
function refusal(argv: readonly string[]): ConfigError {
  try {
    parseSpeedOptions(argv);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseSpeedOptions", () => {
  it("reads the model files and the defaults", () => {
    expect(parseSpeedOptions(["a.gguf", "b.gguf"])).toEqual({
      models: ["a.gguf", "b.gguf"],
      tokens: 200,
      repeats: 5,
      problems: 20,
      completion: false,
    });
    expect(
      parseSpeedOptions(["a.gguf", "--tokens", "50", "--repeats", "9", "--problems", "4", "--completion"]),
    ).toEqual({ models: ["a.gguf"], tokens: 50, repeats: 9, problems: 4, completion: true });
  });

  it("reads relative model files from the folder npx was started in (INIT_CWD)", () => {
    const typedIn = { INIT_CWD: "/repo/packages/llama-cpp/training" };
    expect(parseSpeedOptions(["../models/lab-small.gguf", "/abs/b.gguf"], typedIn)?.models).toEqual([
      "/repo/packages/llama-cpp/models/lab-small.gguf",
      "/abs/b.gguf",
    ]);
  });

  it("answers --help and -h with undefined, and the usage lists every flag", () => {
    expect(parseSpeedOptions(["--help"])).toBeUndefined();
    expect(parseSpeedOptions(["a.gguf", "-h"])).toBeUndefined();
    for (const flag of ["--tokens", "--repeats", "--problems", "--completion", "<model.gguf>..."]) {
      expect(speedUsage).toContain(flag);
    }
  });

  it("refuses counts below 1 or not integers, naming the flag and the value", () => {
    const error = refusal(["a.gguf", "--repeats", "0"]);
    expect(error.field).toBe("--repeats");
    expect(error.message).toBe("speed.ts: --repeats must be an integer ≥ 1, got 0");
    expect(refusal(["a.gguf", "--tokens", "many"]).message).toBe(
      'speed.ts: --tokens must be an integer ≥ 1, got "many"',
    );
    expect(refusal(["a.gguf", "--problems", "2.5"]).field).toBe("--problems");
  });

  it("refuses no model file, an unknown flag and a model after the flags", () => {
    const none = refusal(["--tokens", "5"]);
    expect(none.field).toBe("models");
    expect(none.message).toContain("expected one or more model files before the options");
    expect(refusal(["a.gguf", "--repeat", "3"]).message).toBe(
      "speed.ts: unknown option --repeat (--help lists the options)",
    );
    expect(refusal(["a.gguf", "--completion", "b.gguf"]).message).toBe(
      'speed.ts: "b.gguf" comes after an option; give the model files first, before any option',
    );
  });
});
