import type { Attributes } from "@opentelemetry/api";
import type { Prompt, Usage } from "../spec/index.ts";

/**
 * The GenAI operation of a prompt, per the OpenTelemetry GenAI semantic conventions: `chat` for messages,
 * `text_completion` for plain text.
 */
export function genAiOperation(prompt: Prompt): "chat" | "text_completion" {
  return prompt.kind === "chat" ? "chat" : "text_completion";
}

/** Backend kinds whose provider has a name of its own under the GenAI conventions. */
const providerNames: Readonly<Record<string, string>> = {
  // Any OpenAI-compatible server speaks OpenAI's API; the conventions name the API's provider then.
  "openai-compatible": "openai",
  "llama-cpp": "llama.cpp",
};

/**
 * The `gen_ai.provider.name` of a backend kind, per the OpenTelemetry GenAI semantic conventions: `openai`
 * for the OpenAI-compatible backend (whichever server answers: `gen_ai.request.model` and the backend's
 * kind in `mull.backend` tell them apart), `llama.cpp` for the embedded engine, the kind itself for others.
 *
 * @example
 * genAiProviderName("openai-compatible"); // "openai"
 */
export function genAiProviderName(backendKind: string): string {
  return providerNames[backendKind] ?? backendKind;
}

/**
 * The GenAI usage attributes of a usage (`gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`), each
 * left out when the backend did not report it.
 *
 * @example
 * span.setAttributes(usageAttributes(result.usage));
 */
export function usageAttributes(usage: Usage): Attributes {
  return {
    ...(usage.promptTokens === undefined ? {} : { "gen_ai.usage.input_tokens": usage.promptTokens }),
    ...(usage.completionTokens === undefined ? {} : { "gen_ai.usage.output_tokens": usage.completionTokens }),
  };
}

/** Attributes without the entries whose value is `undefined` (OpenTelemetry drops them, with a warning). */
export function definedAttributes(attributes: Readonly<Record<string, Attributes[string]>>): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}
