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

  it("names an AI SDK model's provider, by the conventions' name where it has one", () => {
    // An OpenAI-compatible AI SDK provider named `mullserve` makes `mullserve.chat` models.
    expect(genAiProviderName("ai-sdk", "mullserve.chat:lab-v2-large")).toBe("mullserve");
    expect(genAiProviderName("ai-sdk", "openai.chat:ft:gpt-4o:org::id")).toBe("openai");
    expect(genAiProviderName("ai-sdk", "openai.responses:gpt-4o-mini")).toBe("openai");
    expect(genAiProviderName("ai-sdk", "anthropic.messages:claude-sonnet-4-5")).toBe("anthropic");
    expect(genAiProviderName("ai-sdk", "mistral.chat:mistral-large-latest")).toBe("mistral_ai");
    expect(genAiProviderName("ai-sdk", "amazon-bedrock:anthropic.claude-3-haiku")).toBe("aws.bedrock");
    expect(genAiProviderName("ai-sdk", "google.generative-ai:gemini-2.5-flash")).toBe("gcp.gemini");
    expect(genAiProviderName("ai-sdk", "google.vertex.chat:gemini-2.5-flash")).toBe("gcp.vertex_ai");
    expect(genAiProviderName("ai-sdk", "constructor.chat:x")).toBe("constructor");
    // A model that names no provider leaves the backend's kind; other kinds ignore the model.
    expect(genAiProviderName("ai-sdk", "lab-v2-large")).toBe("ai-sdk");
    expect(genAiProviderName("ai-sdk", ":lab-v2-large")).toBe("ai-sdk");
    expect(genAiProviderName("openai-compatible", "mullserve.chat:lab-v2-large")).toBe("openai");
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
