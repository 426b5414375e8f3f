import type { EndpointUrl } from "./endpoint-url.ts";

/** The most stop strings OpenAI's API (and Azure OpenAI's) takes in one request's `stop`. */
export const openAIStopSequenceLimit = 4;

/**
 * The most stop strings a server takes in one request, where it is known to limit them: 4 for OpenAI's
 * own API (`api.openai.com`) and Azure OpenAI (`*.openai.azure.com`), which answer a longer `stop` with a
 * 400; `undefined` (no limit) for any other server, such as vLLM, SGLang or llama.cpp's, which take more.
 *
 * @example
 * stopSequenceLimit(parseEndpointUrl("https://api.openai.com/v1")); // 4
 * stopSequenceLimit(parseEndpointUrl("http://localhost:8000/v1")); // undefined
 */
export function stopSequenceLimit(endpoint: Pick<EndpointUrl, "hostname">): number | undefined {
  const { hostname } = endpoint;
  return hostname === "api.openai.com" || hostname.endsWith(".openai.azure.com")
    ? openAIStopSequenceLimit
    : undefined;
}
