import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import type { GenerationRequest } from "../spec/index.ts";
import { checkGenerationRequest } from "./check-generation-request.ts";

const prompt = { kind: "text", text: "2+2=" } as const;

function failure(change: Partial<GenerationRequest>, prefix?: string): ConfigError | undefined {
  try {
    checkGenerationRequest({ prompt, ...change }, "generate", prefix);
    return undefined;
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
}

describe("checkGenerationRequest", () => {
  it("accepts absent fields and the edges of each range", () => {
    expect(failure({})).toBeUndefined();
    expect(failure({ n: 1, maxTokens: 1, topLogprobs: 0, temperature: 0, topP: 1 })).toBeUndefined();
  });

  it("names the field, under the prefix when one is given", () => {
    expect(failure({ n: 0 })?.message).toBe("generate: n must be an integer ≥ 1, got 0");
    expect(failure({ n: 0 }, "request")?.field).toBe("request.n");
    expect(failure({ maxTokens: 2.5 }, "request")?.field).toBe("request.maxTokens");
    expect(failure({ topLogprobs: -1 })?.field).toBe("topLogprobs");
    expect(failure({ temperature: -0.1 })?.field).toBe("temperature");
    expect(failure({ topP: 0 })?.message).toBe("generate: topP must be a positive number, got 0");
    expect(failure({ topP: 1.5 })?.field).toBe("topP");
  });

  it("takes stop strings as an array of non-empty strings, never a lone string", () => {
    expect(failure({ stop: [] })).toBeUndefined();
    expect(failure({ stop: ["\n\n", "####"] })).toBeUndefined();
    expect(failure({ stop: "x" as unknown as string[] }, "request")?.message).toBe(
      'generate: request.stop must be an array of non-empty strings, got "x"',
    );
    expect(failure({ stop: [""] })?.field).toBe("stop");
    expect(failure({ stop: [3] as unknown as string[] })?.message).toBe(
      "generate: stop must be an array of non-empty strings, got [3]",
    );
  });
});
