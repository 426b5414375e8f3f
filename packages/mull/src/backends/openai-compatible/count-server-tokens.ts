import { BackendCallError } from "../../errors/index.ts";
import type { Prompt } from "../../spec/index.ts";
import { describeNetworkFailure } from "./describe-network-failure.ts";
import { fetchOnceMoreIfDropped } from "./fetch-once-more-if-dropped.ts";
import { serverRoot } from "./read-server-json.ts";
import { type EndpointKind, requestBody } from "./request-body.ts";
import { redactSecrets, serverMessage } from "./server-message.ts";

/** The tokenizer routes a server may offer: llama.cpp's server's, or vLLM's. */
export type TokenizerDialect = "llama.cpp" | "vllm";

/** Where and how to ask a server's tokenizer. */
export interface ServerTokenizerSettings {
  /** The server's OpenAI-compatible base URL without a query, e.g. `http://127.0.0.1:8080/v1`. */
  readonly requestBase: string;
  /** The headers every request carries (authorization among them). */
  readonly headers: Readonly<Record<string, string>>;
  /** Strings that must never appear in an error message. */
  readonly secrets: readonly string[];
  readonly fetch: typeof fetch;
  /** The model name, sent as generation requests send it (a server of several models routes by it). */
  readonly model: string;
}

/**
 * What a server's tokenizer said: the prompt's tokens, or why this server cannot count at all (a route it
 * does not have, or one that answers in another shape), which no later call will change.
 */
export type ServerTokenCount =
  | { readonly tokens: number; readonly unavailable?: undefined }
  | { readonly tokens?: undefined; readonly unavailable: string };

/** Statuses that say a route is not there for this client, now or on any later call. */
const absentStatuses = new Set([401, 403, 404, 405, 501]);

type Answer = { readonly body: unknown; readonly url: string } | { readonly unavailable: string };

/** A field of a JSON object, or `undefined`. */
function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * `POST <server root><path>` with a JSON body, answered with JSON, sent once more when its connection is
 * dropped before a response arrives (`fetchOnceMoreIfDropped`: counting is idempotent, and llama.cpp's
 * server closes a kept-alive connection right after a streamed response). A status or body that says the
 * route is not there comes back as `unavailable`.
 *
 * @throws the signal's reason when `signal` aborts; a `BackendCallError` for a network failure or another
 *   error status (with the server's own message).
 */
async function postJson(
  path: string,
  body: Readonly<Record<string, unknown>>,
  settings: ServerTokenizerSettings,
  signal: AbortSignal,
): Promise<Answer> {
  const url = `${serverRoot(settings.requestBase)}${path}`;
  const networkFailure = (thrown: unknown, phase: string) => {
    if (signal.aborted) return signal.reason as unknown;
    return new BackendCallError(
      redactSecrets(`POST ${url} failed ${phase}: ${describeNetworkFailure(thrown)}`, settings.secrets),
      { isRetryable: true, url, cause: thrown },
    );
  };
  let response: Response;
  try {
    response = await fetchOnceMoreIfDropped(settings.fetch, url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...settings.headers },
      body: JSON.stringify(body),
      signal,
      // Not followed: a redirect fails as the status it is.
      redirect: "manual",
    });
  } catch (thrown) {
    throw networkFailure(thrown, "before a response arrived");
  }
  let text: string;
  try {
    text = await response.text();
  } catch (thrown) {
    throw networkFailure(thrown, "while reading the response");
  }
  if (!response.ok) {
    const message = redactSecrets(serverMessage(text), settings.secrets);
    if (absentStatuses.has(response.status)) {
      return { unavailable: `POST ${url} answered status ${response.status}: ${message}` };
    }
    throw new BackendCallError(`POST ${url} failed with status ${response.status}: ${message}`, {
      status: response.status,
      url,
    });
  }
  try {
    return { body: JSON.parse(text) as unknown, url };
  } catch {
    return { unavailable: `POST ${url} answered with a body that is not JSON (${text.length} characters)` };
  }
}

/** A count read from an answer, or why the answer is not a tokenizer's. */
function countOf(
  answer: Answer,
  read: (body: unknown) => number | undefined,
  shape: string,
): ServerTokenCount {
  if ("unavailable" in answer) return answer;
  const tokens = read(answer.body);
  return tokens === undefined ? { unavailable: `POST ${answer.url} answered without ${shape}` } : { tokens };
}

/** llama.cpp's `/tokenize` answer `{ "tokens": [ids…] }`: how many ids. */
const tokenIdCount = (body: unknown): number | undefined => {
  const tokens = field(body, "tokens");
  return Array.isArray(tokens) ? tokens.length : undefined;
};

/** vLLM's `/tokenize` answer `{ "count": N, … }`. */
const reportedCount = (body: unknown): number | undefined => {
  const count = field(body, "count");
  return typeof count === "number" && Number.isInteger(count) && count >= 0 ? count : undefined;
};

/**
 * The tokens a server evaluates for `prompt` sent to its `kind` endpoint, as its own tokenizer counts them:
 * the prompt part of the generation request's body, rendered as that request would be. llama.cpp's server
 * renders a chat with `POST /apply-template` (the same parsing of the same `messages` as its
 * `/chat/completions`) and tokenizes the text with `POST /tokenize`, beginning-of-sequence token and
 * special tokens included, as its completions do (`add_special`, `parse_special`); vLLM's `POST /tokenize`
 * takes the request's `prompt` or `messages` (its defaults are those of its completions and chat
 * endpoints) and answers the `count`. Both routes sit at the server's root, beside `/v1`. Settings a
 * request adds through its `extraBody` (a `chat_template_kwargs`, say) are not seen here.
 *
 * A request whose connection is dropped before any response arrives is sent once more (a connection the
 * server was closing).
 *
 * @throws the signal's reason when `signal` aborts; a `BackendCallError` for a network failure (of both
 *   attempts) or an error status other than those that say the route is missing (401, 403, 404, 405, 501).
 * @example
 * const counted = await countServerTokens("llama.cpp", { kind: "text", text: "Q: 2+2=? A:" }, "completions", settings, signal);
 * counted.tokens; // 12 on a tokenizer of one token a character, the beginning-of-sequence token included
 */
export async function countServerTokens(
  dialect: TokenizerDialect,
  prompt: Prompt,
  kind: EndpointKind,
  settings: ServerTokenizerSettings,
  signal: AbortSignal,
): Promise<ServerTokenCount> {
  const promptBody = requestBody(
    { prompt },
    {
      endpoint: kind,
      model: settings.model,
      n: 1,
      seed: undefined,
      logprobs: false,
      stream: false,
      samplingExtras: false,
    },
  );
  if (dialect === "vllm") {
    return countOf(await postJson("/tokenize", promptBody, settings, signal), reportedCount, "a count");
  }
  let text: string;
  if (kind === "chat") {
    const rendered = await postJson("/apply-template", promptBody, settings, signal);
    if ("unavailable" in rendered) return rendered;
    const renderedPrompt = field(rendered.body, "prompt");
    if (typeof renderedPrompt !== "string") {
      return { unavailable: `POST ${rendered.url} answered without a prompt` };
    }
    text = renderedPrompt;
  } else {
    text = String(promptBody.prompt);
  }
  const tokenized = await postJson(
    "/tokenize",
    { model: settings.model, content: text, add_special: true, parse_special: true },
    settings,
    signal,
  );
  return countOf(tokenized, tokenIdCount, "tokens");
}
