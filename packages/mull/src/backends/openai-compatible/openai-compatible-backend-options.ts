import { z } from "zod";
import { expecting, integerSchema, numberSchema, parseOptions, systemClock } from "../../runtime/index.ts";
import type { BackendCapabilities, Clock, ModelArchitecture, Rng } from "../../spec/index.ts";

/** Settings of an OpenAI-compatible backend. */
export interface OpenAICompatibleBackendOptions {
  /** Base URL as the OpenAI SDKs take it, e.g. `http://localhost:8000/v1` (a bare origin gets `/v1`). */
  readonly baseUrl: string;
  /** Model name sent in every request. */
  readonly model: string;
  /** API key, sent as `Authorization: Bearer …`. Never logged, never shown in errors or `describe()`. */
  readonly apiKey?: string | undefined;
  /** Name of the environment variable that holds the API key (instead of `apiKey`). */
  readonly apiKeyEnv?: string | undefined;
  /**
   * Which API to call: `chat` (`/chat/completions`) or `completions` (`/completions`) only, or `auto`
   * (default): text prompts go to completions, chat prompts to chat.
   */
  readonly endpoint?: "chat" | "completions" | "auto" | undefined;
  /**
   * Stream responses (default `true`). Streaming is the only way to tell a slow generation from a dead
   * one before the total deadline: a stream silent for `stallTimeoutMilliseconds` fails the attempt. With
   * or without streaming, a cut, stalled or unterminated response is a failed (retryable) attempt, never
   * a result. Turn it off only for servers whose streaming is broken.
   */
  readonly stream?: boolean | undefined;
  /**
   * Where `countTokens` counts a prompt's tokens exactly, its chat template and beginning-of-sequence token
   * included (the server's own count, as its usage's `prompt_tokens` reports it), so that a token budget
   * holds on the first call too: `llama.cpp` (llama.cpp's server: `POST /apply-template` for a chat,
   * then `POST /tokenize`), `vllm` (vLLM's `POST /tokenize`), `none` (no `countTokens`: a prompt is
   * estimated from its characters until a call reports it), or `auto` (default): what the server says it is,
   * asked beside the capability probe (llama.cpp's `GET /props`, vLLM's `GET /version`); a server that
   * says neither is not asked to count. A server that turns out to have no such route (404, 405, 501, 401,
   * 403, or an answer of another shape) is not asked again: that costs one request in the backend's life.
   * A server that does not answer at all (down, unreachable, too slow, or a 5xx while it loads) decides
   * nothing: it is asked again on a later count, a few seconds later at the soonest.
   */
  readonly tokenizer?: "auto" | "llama.cpp" | "vllm" | "none" | undefined;
  /** HTTP requests in flight at once, over all calls of this backend (default 8). */
  readonly concurrency?: number | undefined;
  /**
   * One deadline for an HTTP request and all its retries, counted from when it leaves the concurrency
   * queue (default 600 000 ms). Bound a whole run with the call's `signal`.
   */
  readonly timeoutMilliseconds?: number | undefined;
  /**
   * Longest silence allowed in a stream once its headers arrived, or in a whole (unstreamed) body once
   * its first bytes arrived (default 60 000 ms).
   */
  readonly stallTimeoutMilliseconds?: number | undefined;
  /**
   * Longest wait from sending a request to its first streamed event (default: no limit but the
   * deadline); an attempt that waits longer fails, and is retried like a stalled one. It holds for every
   * request: `unstreamed()` streams its requests too while it is set. It needs `stream` (a whole response
   * has no first token to time): given with `stream: false`, it is refused.
   */
  readonly firstTokenTimeoutMilliseconds?: number | undefined;
  /** Retries after the first attempt, for 408/409/429/5xx, network errors and broken streams (default 4). */
  readonly maxRetries?: number | undefined;
  /** Backoff before the first retry, doubled per retry with jitter, unless the server says (default 500). */
  readonly retryDelayMilliseconds?: number | undefined;
  /** Largest backoff between retries (default 10 000). A server's `retry-after` is honoured beyond it. */
  readonly maxRetryDelayMilliseconds?: number | undefined;
  /** Capabilities to report as given instead of probing (observed failures still turn `n` and logprobs off). */
  readonly capabilities?: Partial<BackendCapabilities> | undefined;
  /**
   * The served model's shape, reported by `describe()` for cost estimates (FLOPs, idealized time, energy in
   * reports); a server does not say it, so it is unknown unless given.
   */
  readonly architecture?: ModelArchitecture | undefined;
  /** Extra headers sent with every request; values of headers named like keys or tokens are redacted in errors. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The `fetch` to use (default: the global one). */
  readonly fetch?: typeof fetch | undefined;
  /** Monotonic time for deadlines (default `performance.now()`). */
  readonly clock?: Clock | undefined;
  /** Randomness for backoff jitter (default `Math.random`; retry timing never changes results). */
  readonly rng?: Rng | undefined;
  /** Where `apiKeyEnv` is looked up (default `process.env`). */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A string option; a `secret` one is never shown in the message. */
function stringOption(expected: string, valid: (value: string) => boolean, secret = false) {
  const error = secret ? `must be ${expected}` : expecting(expected);
  return z.string({ error }).refine(valid, { error });
}

const positiveInteger = () => integerSchema({ minimum: 1 });

const milliseconds = () =>
  numberSchema({ exclusiveMinimum: 0, expected: "a positive number of milliseconds" });

const withMethod = <Value>(field: string, method: string) =>
  z.custom<Value>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as Record<string, unknown>)[method] === "function",
    { error: `${field} must be an object with a ${method}() method` },
  );

const capabilityOverrides = z
  .strictObject({
    n: z.boolean(),
    logprobs: z.boolean(),
    topLogprobs: z.boolean(),
    maxTopLogprobs: z.int().min(0).optional(),
    promptLogprobs: z.boolean(),
    score: z.boolean(),
    seed: z.boolean(),
    chat: z.boolean(),
    completion: z.boolean(),
    continuePrefix: z.boolean(),
    grammar: z.boolean(),
    topK: z.boolean(),
    // For a server whose usage counts the prompt once per completion (mull serve on the embedded engine).
    promptPerCompletion: z.boolean(),
  })
  .partial()
  // A capability given as `undefined` is not given: it must not hide the derived or probed value.
  .transform(
    (given) =>
      Object.fromEntries(
        Object.entries(given).filter(([, value]) => value !== undefined),
      ) as Partial<BackendCapabilities>,
  );

const architectureOption = z.strictObject(
  {
    type: z.string().optional(),
    parameters: positiveInteger(),
    layers: positiveInteger(),
    embedding: positiveInteger(),
    heads: positiveInteger().optional(),
    keyValueHeads: positiveInteger().optional(),
    feedForward: positiveInteger().optional(),
    vocabulary: positiveInteger().optional(),
    contextLength: positiveInteger().optional(),
    weightBytes: positiveInteger().optional(),
  },
  { error: expecting("an object with parameters, layers and embedding") },
);

const backendOptionsSchema = z
  .strictObject({
    // Not shown: a URL may hold credentials; `parseEndpointUrl` shows a string without them.
    baseUrl: z.string({ error: "must be an absolute http(s) URL such as http://localhost:8000/v1" }),
    model: stringOption("a non-empty string", (model) => model.trim() !== ""),
    apiKey: stringOption("a non-empty string", (key) => key.trim() !== "", true).optional(),
    apiKeyEnv: stringOption("the name of an environment variable", (name) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(name),
    ).optional(),
    endpoint: z
      .enum(["chat", "completions", "auto"], { error: expecting('"chat", "completions" or "auto"') })
      .default("auto"),
    stream: z.boolean().default(true),
    tokenizer: z
      .enum(["auto", "llama.cpp", "vllm", "none"], {
        error: expecting('"auto", "llama.cpp", "vllm" or "none"'),
      })
      .default("auto"),
    concurrency: positiveInteger().default(8),
    timeoutMilliseconds: milliseconds().default(600_000),
    stallTimeoutMilliseconds: milliseconds().default(60_000),
    firstTokenTimeoutMilliseconds: milliseconds().optional(),
    maxRetries: integerSchema({ minimum: 0 }).default(4),
    retryDelayMilliseconds: milliseconds().default(500),
    maxRetryDelayMilliseconds: milliseconds().default(10_000),
    capabilities: capabilityOverrides.default({}),
    architecture: architectureOption.optional(),
    headers: z.record(z.string(), z.string()).default({}),
    // `prefault` checks the default too: a runtime without a global fetch fails here, not at the first call.
    fetch: z
      .custom<typeof fetch>((value) => typeof value === "function", {
        error: "fetch must be a function (no global fetch is available)",
      })
      .prefault(() => globalThis.fetch),
    clock: withMethod<Clock>("clock", "now").default(systemClock),
    rng: withMethod<Rng>("rng", "next").optional(),
    environment: z
      .custom<Readonly<Record<string, string | undefined>>>(
        (value) => typeof value === "object" && value !== null,
        { error: "environment must be an object of environment variables" },
      )
      .default(() => process.env),
  })
  .check((context) => {
    if (context.value.apiKey !== undefined && context.value.apiKeyEnv !== undefined) {
      context.issues.push({
        code: "custom",
        message: "give apiKey or apiKeyEnv, not both",
        input: undefined,
        path: ["apiKey"],
      });
    }
    if (!context.value.stream && context.value.firstTokenTimeoutMilliseconds !== undefined) {
      context.issues.push({
        code: "custom",
        message: `must be left out with stream: false (a whole response has no first token to time), got ${context.value.firstTokenTimeoutMilliseconds}`,
        input: undefined,
        path: ["firstTokenTimeoutMilliseconds"],
      });
    }
  });

/** The options of an OpenAI-compatible backend, checked and with every default filled in. */
export type ParsedBackendOptions = z.output<typeof backendOptionsSchema>;

/**
 * Checks the options of `createOpenAICompatibleBackend` and fills in their defaults.
 *
 * @throws ConfigError naming each bad option by its path, e.g.
 * `createOpenAICompatibleBackend: concurrency must be an integer ≥ 1, got 0`; an unknown
 * key, here or in `capabilities` or `architecture`, is refused with the keys that object takes
 * (`createOpenAICompatibleBackend: timeoutMs: unknown key (createOpenAICompatibleBackend takes baseUrl, …)`).
 */
export function parseBackendOptions(options: OpenAICompatibleBackendOptions): ParsedBackendOptions {
  return parseOptions(backendOptionsSchema, options, "createOpenAICompatibleBackend");
}
