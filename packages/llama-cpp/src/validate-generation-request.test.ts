import { ConfigError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { validateGenerationRequest } from "./validate-generation-request.ts";

const limits = { owner: "createLlamaCppBackend", vocabularySize: 32 };

describe("validateGenerationRequest: stop strings", () => {
  it("matches the prompt's own stop strings after the request's", () => {
    const plan = validateGenerationRequest(
      { prompt: { kind: "text", text: "Q: 1+1=? A:", stop: ["\n\nQ:"] }, stop: ["+"] },
      limits,
    );
    expect(plan.stop).toEqual(["+", "\n\nQ:"]);
    expect(validateGenerationRequest({ prompt: { kind: "text", text: "Q:" } }, limits).stop).toEqual([]);
  });

  it("refuses a prompt's stop strings that are not a list of non-empty strings, naming the field", () => {
    const attempt = () =>
      validateGenerationRequest(
        { prompt: { kind: "text", text: "Q:", stop: "\n\nQ:" as unknown as string[] } },
        limits,
      );
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'createLlamaCppBackend: prompt.stop must be an array of non-empty strings, got "\\n\\nQ:"',
    );
  });
});
