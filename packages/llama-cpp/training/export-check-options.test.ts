import { describe, expect, it } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { exportCheckUsage, parseExportCheckOptions } from "./export-check-options.ts";

/** The ConfigError `parseExportCheckOptions` throws for `argv` and `environment`. */
function refusal(argv: readonly string[], environment: Record<string, string> = {}): ConfigError {
  try {
    parseExportCheckOptions(argv, environment);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseExportCheckOptions", () => {
  it("reads the files, the default tolerance and llama.cpp's defaults", () => {
    expect(parseExportCheckOptions(["m.gguf", "m.pt"], {})).toEqual({
      model: "m.gguf",
      checkpoint: "m.pt",
      tolerance: 0.02,
      cacheType: "F16",
      flashAttention: "auto",
    });
  });

  it("reads relative files from the folder npx was started in (INIT_CWD)", () => {
    const typedIn = { INIT_CWD: "/repo/packages/llama-cpp/training" };
    expect(parseExportCheckOptions(["../models/lab-large.gguf", "/tmp/lab-large.pt"], typedIn)).toMatchObject(
      {
        model: "/repo/packages/llama-cpp/models/lab-large.gguf",
        checkpoint: "/tmp/lab-large.pt",
      },
    );
  });

  it("reads the exact check of the README: a tolerance with an exponent, an F32 cache, no flash attention", () => {
    expect(
      parseExportCheckOptions(["m.gguf", "m.pt", "1e-4"], { KV_CACHE: "F32", FLASH_ATTENTION: "false" }),
    ).toMatchObject({ tolerance: 1e-4, cacheType: "F32", flashAttention: false });
    expect(parseExportCheckOptions(["m.gguf", "m.pt", "0.001"], {})?.tolerance).toBe(0.001);
  });

  it("answers --help and -h with undefined, and the usage names the arguments and the environment", () => {
    expect(parseExportCheckOptions(["--help"], {})).toBeUndefined();
    expect(parseExportCheckOptions(["-h"], {})).toBeUndefined();
    for (const name of ["<model.gguf>", "<model.pt>", "[tolerance]", "KV_CACHE", "FLASH_ATTENTION"]) {
      expect(exportCheckUsage).toContain(name);
    }
  });

  it("refuses a tolerance that is not a number ≥ 0, which would pass every comparison", () => {
    const error = refusal(["m.gguf", "m.pt", "abc"]);
    expect(error.field).toBe("tolerance");
    expect(error.message).toBe('export-check.ts: tolerance must be a number ≥ 0, got "abc"');
    expect(refusal(["m.gguf", "m.pt", "1e-4x"]).message).toContain('got "1e-4x"');
  });

  it("refuses a missing file, a fourth argument and an unknown environment value", () => {
    expect(refusal(["m.gguf"]).message).toBe(
      'export-check.ts: expected <model.gguf> <model.pt> [tolerance], got "m.gguf"',
    );
    expect(refusal([]).message).toContain("got none");
    expect(refusal(["m.gguf", "m.pt", "1e-4", "extra"]).field).toBe("arguments");
    const cache = refusal(["m.gguf", "m.pt"], { KV_CACHE: "f32" });
    expect(cache.field).toBe("KV_CACHE");
    expect(cache.message).toBe('export-check.ts: KV_CACHE must be "F16" or "F32", got "f32"');
    expect(refusal(["m.gguf", "m.pt"], { FLASH_ATTENTION: "no" }).field).toBe("FLASH_ATTENTION");
    expect(refusal(["m.gguf", "m.pt", "--tolerance", "1"]).message).toBe(
      "export-check.ts: unknown option --tolerance (--help lists the options)",
    );
  });
});
