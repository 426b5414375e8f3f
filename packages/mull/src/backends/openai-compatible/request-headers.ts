import { readApiKey } from "../../runtime/index.ts";
import type { EndpointUrl } from "./endpoint-url.ts";
import type { ParsedBackendOptions } from "./openai-compatible-backend-options.ts";

/** The headers sent with every request, and the strings that must never appear in an error. */
export interface RequestHeaders {
  readonly headers: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
}

const secretHeaderName = /auth|key|token|secret|cookie/i;

function apiKeyOf(options: ParsedBackendOptions): string | undefined {
  if (options.apiKey !== undefined) return options.apiKey;
  return readApiKey(options.apiKeyEnv, {
    owner: "createOpenAICompatibleBackend",
    environment: options.environment,
  });
}

/**
 * The options' headers with the authorization added: a bearer API key (given, or read from `apiKeyEnv`),
 * else the basic credentials of the base URL. Every key, and every header named like one, is a secret.
 *
 * @throws ConfigError (field `apiKeyEnv`) when the variable it names is not set.
 */
export function requestHeaders(options: ParsedBackendOptions, endpoint: EndpointUrl): RequestHeaders {
  const apiKey = apiKeyOf(options);
  const headers: Record<string, string> = { ...options.headers };
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (secretHeaderName.test(name)) secrets.push(value);
  }
  if (apiKey !== undefined) {
    headers.authorization = `Bearer ${apiKey}`;
    secrets.push(apiKey);
  } else if (endpoint.basicAuthorization !== undefined) {
    headers.authorization = endpoint.basicAuthorization;
    secrets.push(endpoint.basicAuthorization);
  }
  return { headers, secrets };
}
