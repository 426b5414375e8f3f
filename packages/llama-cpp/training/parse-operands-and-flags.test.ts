import { describe, expect, it } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { parseOperandsAndFlags } from "./parse-operands-and-flags.ts";

const options = {
  tokens: { type: "string", default: "200" },
  completion: { type: "boolean", default: false },
} as const;

/** The ConfigError `parseOperandsAndFlags` throws for `argv`. */
function refusal(argv: readonly string[]): ConfigError {
  try {
    parseOperandsAndFlags("speed.ts", argv, options, "the model files");
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseOperandsAndFlags", () => {
  it("takes the arguments before the first flag as operands and parses the rest as flags", () => {
    expect(parseOperandsAndFlags("speed.ts", ["a.gguf", "b.gguf", "--tokens", "50"], options, "")).toEqual({
      operands: ["a.gguf", "b.gguf"],
      values: { tokens: "50", completion: false },
    });
    expect(parseOperandsAndFlags("speed.ts", ["a.gguf", "b.pt", "1e-4"], options, "")).toEqual({
      operands: ["a.gguf", "b.pt", "1e-4"],
      values: { tokens: "200", completion: false },
    });
    expect(parseOperandsAndFlags("speed.ts", ["--completion"], options, "").operands).toEqual([]);
  });

  it("refuses an operand given after a flag, saying where it goes", () => {
    const error = refusal(["--tokens", "50", "a.gguf"]);
    expect(error.field).toBe("arguments");
    expect(error.message).toBe(
      'speed.ts: "a.gguf" comes after an option; give the model files first, before any option',
    );
  });

  it("passes parseFlags's refusals through", () => {
    expect(refusal(["a.gguf", "--tokns", "5"]).message).toBe(
      "speed.ts: unknown option --tokns (--help lists the options)",
    );
    expect(refusal(["a.gguf", "--tokens"]).field).toBe("--tokens");
  });
});
