import { describe, expect, it } from "vitest";
import {
  definedAttributes,
  genAiOperation,
  genAiProviderName,
  genAiRequestModel,
  usageAttributes,
} from "./gen-ai-attributes.ts";

describe("GenAI attributes", () => {
  it("names the provider after the backend's kind: the OpenAI API, llama.cpp, or the kind itself", () => {
    expect(genAiProviderName("openai-compatible")).toBe("openai");
    expect(genAiProviderName("llama-cpp")).toBe("llama.cpp");
    expect(genAiProviderName("scripted")).toBe("scripted");
    expect(genAiProviderName("ai-sdk")).toBe("ai-sdk");
  });

  it("names the requested model without an AI SDK model's provider prefix", () => {
    expect(genAiRequestModel("ai-sdk", "lab.chat:lab-v2-large")).toBe("lab-v2-large");
    expect(genAiRequestModel("ai-sdk", "openai.chat:ft:gpt-4o:org::id")).toBe("ft:gpt-4o:org::id");
    expect(genAiRequestModel("ai-sdk", "lab-v2-large")).toBe("lab-v2-large");
    expect(genAiRequestModel("openai-compatible", "llama3:8b")).toBe("llama3:8b");
  });

  it("reads the operation from the prompt's kind", () => {
    expect(genAiOperation({ kind: "chat", messages: [{ role: "user", content: "2+2?" }] })).toBe("chat");
    expect(genAiOperation({ kind: "text", text: "Q: 2+2=? A:" })).toBe("text_completion");
  });

  it("leaves out token counts the backend did not report", () => {
    expect(usageAttributes({ promptTokens: 12, completionTokens: 30 })).toEqual({
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 30,
    });
    expect(usageAttributes({ promptTokens: undefined, completionTokens: 30 })).toEqual({
      "gen_ai.usage.output_tokens": 30,
    });
    expect(definedAttributes({ a: 1, b: undefined })).toEqual({ a: 1 });
  });
});
