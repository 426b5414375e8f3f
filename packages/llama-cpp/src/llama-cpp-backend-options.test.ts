import { ConfigError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { type LlamaCppBackendOptions, parseLlamaCppBackendOptions } from "./llama-cpp-backend-options.ts";

function refusal(options: Record<string, unknown>): ConfigError {
  try {
    parseLlamaCppBackendOptions(options as unknown as LlamaCppBackendOptions);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error as ConfigError;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseLlamaCppBackendOptions", () => {
  it("fills in threads, sequences and prefix sharing", () => {
    expect(parseLlamaCppBackendOptions({ model: "lab-small" })).toEqual({
      model: "lab-small",
      threads: 1,
      sequences: 16,
      contexts: 1,
      prefixSharing: true,
    });
  });

  it("refuses an unknown option, naming it and the options there are", () => {
    const error = refusal({ model: "lab-small", thread: 1 });
    expect(error.field).toBe("thread");
    expect(error.message).toBe(
      "createLlamaCppBackend: thread: unknown key (createLlamaCppBackend takes model, threads, sequences, " +
        "contexts, contextSize, gpu, seedFallback, prefixSharing, speculative, signal)",
    );
  });

  it("says what a missing model must be, beside a misspelt one", () => {
    const error = refusal({ modle: "lab-small" });
    expect(error.field).toBe("model");
    expect(error.message).toBe(
      "createLlamaCppBackend is invalid:\n" +
        "  model: missing; expected a path to a .gguf file or a lab model name (lab-small, lab-large, or one in models/models.json)\n" +
        "  modle: unknown key (createLlamaCppBackend takes model, threads, sequences, contexts, contextSize, gpu, " +
        "seedFallback, prefixSharing, speculative, signal)",
    );
  });

  it("names the options object a call without one lacks", () => {
    const error = refusal(undefined as never);
    expect(error.field).toBe("options");
    expect(error.message).toBe(
      "createLlamaCppBackend: expected an options object { model, threads, sequences, … }; got undefined",
    );
  });

  it("still names a bad value by its field", () => {
    const error = refusal({ model: "lab-small", threads: 0 });
    expect(error.field).toBe("threads");
    expect(error.message).toBe("createLlamaCppBackend: threads must be an integer from 1 to 256, got 0");
  });
});
