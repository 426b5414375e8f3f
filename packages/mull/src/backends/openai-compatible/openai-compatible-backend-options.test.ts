import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import {
  type OpenAICompatibleBackendOptions,
  parseBackendOptions,
} from "./openai-compatible-backend-options.ts";

const base = { baseUrl: "http://localhost:8000/v1", model: "qwen" };

function refusal(options: Record<string, unknown>): ConfigError {
  try {
    parseBackendOptions({ ...base, ...options } as OpenAICompatibleBackendOptions);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error as ConfigError;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseBackendOptions", () => {
  it("fills in the defaults of the options given", () => {
    const parsed = parseBackendOptions({ ...base, timeoutMilliseconds: 5000 });
    expect(parsed).toMatchObject({ ...base, timeoutMilliseconds: 5000, concurrency: 8, endpoint: "auto" });
  });

  it("refuses an unknown option, naming it and the options there are", () => {
    const error = refusal({ timeoutMs: 5000 });
    expect(error.field).toBe("timeoutMs");
    expect(error.message).toMatch(
      /^createOpenAICompatibleBackend: timeoutMs: unknown key \(createOpenAICompatibleBackend takes baseUrl, model, apiKey, /,
    );
    expect(error.message).toContain("timeoutMilliseconds");
  });

  it("refuses a first-token limit without streaming, which has no first token to time", () => {
    const error = refusal({ stream: false, firstTokenTimeoutMilliseconds: 500 });
    expect(error.field).toBe("firstTokenTimeoutMilliseconds");
    expect(error.message).toBe(
      "createOpenAICompatibleBackend: firstTokenTimeoutMilliseconds must be left out with stream: false (a whole response has no first token to time), got 500",
    );
    expect(parseBackendOptions({ ...base, firstTokenTimeoutMilliseconds: 500 })).toMatchObject({
      stream: true,
      firstTokenTimeoutMilliseconds: 500,
    });
  });

  it("takes the tokenizer routes auto by default, and refuses one it does not know", () => {
    expect(parseBackendOptions(base).tokenizer).toBe("auto");
    expect(parseBackendOptions({ ...base, tokenizer: "vllm" }).tokenizer).toBe("vllm");
    const error = refusal({ tokenizer: "tiktoken" });
    expect(error.field).toBe("tokenizer");
    expect(error.message).toBe(
      'createOpenAICompatibleBackend: tokenizer must be "auto", "llama.cpp", "vllm" or "none", got "tiktoken"',
    );
  });

  it("refuses an unknown capability or architecture field", () => {
    const capability = refusal({ capabilities: { logprob: false } });
    expect(capability.field).toBe("capabilities.logprob");
    expect(capability.message).toMatch(
      /capabilities\.logprob: unknown key \(capabilities takes n, logprobs, /,
    );
    const architecture = refusal({
      architecture: { parameters: 7e9, layers: 28, embedding: 3584, layer: 4 },
    });
    expect(architecture.field).toBe("architecture.layer");
    expect(architecture.message).toMatch(
      /architecture\.layer: unknown key \(architecture takes type, parameters, /,
    );
  });
});
