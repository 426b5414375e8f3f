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
const providerNames: ReadonlyMap<string, string> = new Map([
  // Any OpenAI-compatible server speaks OpenAI's API; the conventions name the API's provider then.
  ["openai-compatible", "openai"],
  ["llama-cpp", "llama.cpp"],
]);

/**
 * The GenAI conventions' names of the AI SDK's own providers, by the provider id's first part (`openai` of
 * `openai.chat`), or its first two where they tell two providers apart (`google.vertex` of
 * `google.vertex.chat`, Google's Vertex AI, against `google.generative-ai`, the Gemini API).
 */
const aiSdkProviderNames: ReadonlyMap<string, string> = new Map([
  ["openai", "openai"],
  ["azure", "azure.ai.openai"],
  ["anthropic", "anthropic"],
  ["amazon-bedrock", "aws.bedrock"],
  ["google", "gcp.gemini"],
  ["google.vertex", "gcp.vertex_ai"],
  ["mistral", "mistral_ai"],
  ["xai", "x_ai"],
  ["groq", "groq"],
  ["deepseek", "deepseek"],
  ["cohere", "cohere"],
  ["perplexity", "perplexity"],
]);

/**
 * The provider of an AI SDK model, as an AI SDK backend describes the model (`<provider>:<model id>`,
 * `openai.chat:gpt-4o-mini`): the provider id's first part (`openai`; `mullserve` of an OpenAI-compatible
 * provider named `mullserve`), under the conventions' name where it has one (`mistral_ai` for `mistral`).
 */
function aiSdkProviderName(model: string): string | undefined {
  const separator = model.indexOf(":");
  if (separator <= 0) return undefined;
  const [first = "", second] = model.slice(0, separator).split(".");
  if (first === "") return undefined;
  const known = second === undefined ? undefined : aiSdkProviderNames.get(`${first}.${second}`.toLowerCase());
  return known ?? aiSdkProviderNames.get(first.toLowerCase()) ?? first;
}

/**
 * The `gen_ai.provider.name` of a backend, per the OpenTelemetry GenAI semantic conventions: `openai` for
 * the OpenAI-compatible backend (whichever server answers: `gen_ai.request.model` and the backend's kind in
 * `mull.backend` tell them apart), `llama.cpp` for the embedded engine; for an AI SDK backend (`ai-sdk`),
 * the provider of its model (`model`, as the backend describes it: `openai.chat:gpt-4o-mini` gives
 * `openai`, `mullserve.chat:lab-v2-large` gives `mullserve`), under the conventions' name where it has
 * one; the kind itself for others, and for an AI SDK backend whose model names no provider.
 *
 * @example
 * genAiProviderName("openai-compatible"); // "openai"
 * genAiProviderName("ai-sdk", "mistral.chat:mistral-large-latest"); // "mistral_ai"
 */
export function genAiProviderName(backendKind: string, model?: string): string {
  const provider = backendKind === "ai-sdk" && model !== undefined ? aiSdkProviderName(model) : undefined;
  return provider ?? providerNames.get(backendKind) ?? backendKind;
}

/**
 * The `gen_ai.request.model` of a backend's model, as the backend's description names it: the model's own
 * id, per the OpenTelemetry GenAI semantic conventions. An AI SDK backend (`ai-sdk`) describes its model as
 * `<provider>:<model id>` (`openai.chat:gpt-4o-mini`), whose provider prefix is left out, so that the
 * request's model reads as the response's (`gen_ai.response.model`); other backends name the model alone.
 *
 * @example
 * genAiRequestModel("ai-sdk", "openai.chat:gpt-4o-mini"); // "gpt-4o-mini"
 * genAiRequestModel("openai-compatible", "llama3:8b"); // "llama3:8b"
 */
export function genAiRequestModel(backendKind: string, model: string): string {
  if (backendKind !== "ai-sdk") return model;
  // A provider's name holds no colon (`openai.chat`); a model id may (`ft:gpt-4o:org::id`, `llama3:8b`).
  const separator = model.indexOf(":");
  return separator === -1 ? model : model.slice(separator + 1);
}

/**
 * The GenAI usage attributes of a usage (`gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`), each
 * left out when the backend did not report it.
 *
 * @example
 * span.setAttributes(usageAttributes(result.usage));
 */
export function usageAttributes(usage: Pick<Usage, "promptTokens" | "completionTokens">): Attributes {
  return {
    ...(usage.promptTokens === undefined ? {} : { "gen_ai.usage.input_tokens": usage.promptTokens }),
    ...(usage.completionTokens === undefined ? {} : { "gen_ai.usage.output_tokens": usage.completionTokens }),
  };
}

/** Attributes without the entries whose value is `undefined` (OpenTelemetry drops them, with a warning). */
export function definedAttributes(attributes: Readonly<Record<string, Attributes[string]>>): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}
