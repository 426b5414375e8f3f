import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { checkEvaluatePaths, evaluateUsage, parseEvaluateOptions } from "./evaluate-options.ts";

/** The ConfigError `run` throws. */
function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** The ConfigError `parseEvaluateOptions` throws for the model then `argv`. */
function refused(...argv: string[]): ConfigError {
  return refusal(() => parseEvaluateOptions(["model.gguf", ...argv]));
}

describe("parseEvaluateOptions", () => {
  it("reads the defaults of the reported figures", () => {
    expect(parseEvaluateOptions(["model.gguf"])).toEqual({
      model: "model.gguf",
      levels: [1, 2, 3, 4, 5, 6],
      count: 200,
      sampledLevels: [6],
      sampledCount: 200,
      temperatures: [1],
      samples: 16,
      seed: 0,
      operandSizes: undefined,
      out: undefined,
    });
  });

  it("reads the flags the README's commands give", () => {
    expect(
      parseEvaluateOptions([
        "/runs/model.gguf",
        "--levels",
        "1-6",
        "--count",
        "100",
        "--sampled-levels",
        "none",
        "--temperature",
        "1.0,1.25",
        "--samples",
        "16",
        "--operand-sizes",
        "0,1,0",
        "--out",
        "runs/evaluation.json",
      ]),
    ).toMatchObject({
      model: "/runs/model.gguf",
      count: 100,
      sampledLevels: [],
      sampledCount: 100,
      temperatures: [1, 1.25],
      operandSizes: [0, 1, 0],
      out: "runs/evaluation.json",
    });
    expect(parseEvaluateOptions(["m.gguf", "--count", "50", "--sampled-count", "20"])?.sampledCount).toBe(20);
  });

  it("reads levels as ranges, lists or both, ascending and once each", () => {
    expect(parseEvaluateOptions(["m.gguf", "--levels", "1,6"])?.levels).toEqual([1, 6]);
    expect(parseEvaluateOptions(["m.gguf", "--levels", "6,1-3,2"])?.levels).toEqual([1, 2, 3, 6]);
    expect(parseEvaluateOptions(["m.gguf", "--sampled-levels", "4"])?.sampledLevels).toEqual([4]);
  });

  it("answers --help and -h with undefined, without a model, and the usage lists every flag", () => {
    expect(parseEvaluateOptions(["--help"])).toBeUndefined();
    expect(parseEvaluateOptions(["m.gguf", "-h"])).toBeUndefined();
    for (const flag of [
      "--levels",
      "--count",
      "--sampled-levels",
      "--sampled-count",
      "--temperature",
      "--samples",
      "--seed",
      "--operand-sizes",
      "--out",
      "<model.gguf>",
    ]) {
      expect(evaluateUsage).toContain(flag);
    }
  });

  it("refuses a temperature that is not a number ≥ 0, naming the flag and the value", () => {
    const error = refused("--temperature", "x");
    expect(error.field).toBe("--temperature");
    expect(error.message).toBe('evaluate.ts: --temperature must be a number ≥ 0, got "x"');
    expect(refused("--temperature", "1.0,-1").message).toContain("got -1");
    expect(refused("--temperature", "1.0,").message).toContain('got ""');
  });

  it("refuses levels outside 1–6 or in another form, listing the forms", () => {
    for (const levels of ["1-9", "0", "3-1", "1..6", "one", "1,,2"]) {
      const error = refused("--levels", levels);
      expect(error.field).toBe("--levels");
      expect(error.message).toBe(
        `evaluate.ts: --levels must be levels from 1 to 6: a range (1-6), a list (1,3,5), both (1-3,6) or none, got ${JSON.stringify(levels)}`,
      );
    }
    expect(refused("--sampled-levels", "7").field).toBe("--sampled-levels");
  });

  it("refuses counts, seeds and operand sizes outside their rules", () => {
    expect(refused("--count", "0").message).toBe("evaluate.ts: --count must be an integer ≥ 1, got 0");
    expect(refused("--sampled-count", "1.5").field).toBe("--sampled-count");
    expect(refused("--samples", "abc").message).toContain('--samples must be an integer ≥ 1, got "abc"');
    expect(refused("--seed", "-1").field).toBe("--seed");
    expect(refused("--seed", String(2 ** 31)).field).toBe("--seed");
    for (const sizes of ["0,1", "0,0,0", "1,-1,1", "a,b,c"]) {
      const error = refused("--operand-sizes", sizes);
      expect(error.field).toBe("--operand-sizes");
      expect(error.message).toContain(`got ${JSON.stringify(sizes)}`);
    }
  });

  it("refuses --levels none with --sampled-levels none, naming both flags", () => {
    const nothing = refused("--levels", "none", "--sampled-levels", "none");
    expect(nothing.field).toBe("--levels");
    expect(nothing.message).toBe(
      'evaluate.ts: --levels "none" and --sampled-levels "none" leave nothing to measure; give greedy levels, ' +
        "sampled levels or both",
    );
    expect(parseEvaluateOptions(["m.gguf", "--levels", "none"])?.sampledLevels).toEqual([6]);
    expect(parseEvaluateOptions(["m.gguf", "--sampled-levels", "none"])?.levels).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads the model and --out from the folder npx was started in (INIT_CWD)", () => {
    const typedIn = { INIT_CWD: "/repo/packages/llama-cpp/training" };
    const options = parseEvaluateOptions(
      ["../models/lab-large.gguf", "--out", "runs/evaluation.json"],
      typedIn,
    );
    expect(options?.model).toBe("/repo/packages/llama-cpp/models/lab-large.gguf");
    expect(options?.out).toBe("/repo/packages/llama-cpp/training/runs/evaluation.json");
    expect(parseEvaluateOptions(["/abs/model.gguf"], typedIn)?.model).toBe("/abs/model.gguf");
  });

  it("refuses an unknown flag, no model, a second model and a model after the flags", () => {
    expect(refused("--temprature", "1").message).toBe(
      "evaluate.ts: unknown option --temprature (--help lists the options)",
    );
    const none = refusal(() => parseEvaluateOptions(["--levels", "6"]));
    expect(none.field).toBe("model");
    expect(none.message).toBe(
      "evaluate.ts: expected one model file before the options (evaluate.ts <model.gguf> [options]), got none",
    );
    expect(refusal(() => parseEvaluateOptions(["a.gguf", "b.gguf"])).message).toContain(
      'got "a.gguf" "b.gguf"',
    );
    expect(refusal(() => parseEvaluateOptions(["--levels", "6", "b.gguf"])).message).toBe(
      'evaluate.ts: "b.gguf" comes after an option; give the model file first, before any option',
    );
  });
});

describe("checkEvaluatePaths", () => {
  const folder = mkdtempSync(join(tmpdir(), "evaluate-options-"));
  const model = join(folder, "model.gguf");
  writeFileSync(model, "GGUF");
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("accepts a model file and an --out that can be written, in a folder yet to be made", () => {
    expect(() => checkEvaluatePaths({ model, out: undefined })).not.toThrow();
    expect(() => checkEvaluatePaths({ model, out: join(folder, "runs", "evaluation.json") })).not.toThrow();
  });

  it("refuses a missing model, an --out that is a folder or lies below a file", () => {
    const missing = refusal(() => checkEvaluatePaths({ model: join(folder, "nosuch.gguf"), out: undefined }));
    expect(missing.field).toBe("model");
    expect(missing.message).toMatch(/^evaluate\.ts: model ".*nosuch\.gguf" does not exist$/);
    const directory = refusal(() => checkEvaluatePaths({ model, out: folder }));
    expect(directory.field).toBe("--out");
    expect(directory.message).toContain("is a directory; give the path of the JSON file to write");
    const belowFile = refusal(() => checkEvaluatePaths({ model, out: join(model, "evaluation.json") }));
    expect(belowFile.field).toBe("--out");
    expect(belowFile.message).toMatch(/^evaluate\.ts: --out .*is a file, not a directory/);
  });
});
