import { BackendCallError, CapabilityError, ConfigError, DisposedError } from "../../errors/index.ts";
import { createConcurrencyLimit } from "../../runtime/index.ts";
import type {
  Backend,
  BackendCapabilities,
  BackendDescription,
  CallOptions,
  Clock,
  Completion,
  GenerationRequest,
  GenerationResult,
  Prompt,
  Rng,
  Usage,
} from "../../spec/index.ts";
import { parseEndpointUrl } from "./endpoint-url.ts";
import { createHttpCaller } from "./http-caller.ts";
import { type EndpointKind, requestBody, topLogprobCount, wantsLogprobs } from "./request-body.ts";
import type { ParsedChoice, ParsedResponse } from "./response-parser.ts";

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
  /** Longest wait from sending a streamed request to its first event (default: no limit but the deadline). */
  readonly firstTokenTimeoutMilliseconds?: number | undefined;
  /** Retries after the first attempt, for 408/409/429/5xx, network errors and broken streams (default 4). */
  readonly maxRetries?: number | undefined;
  /** Backoff before the first retry, doubled per retry with jitter, unless the server says (default 500). */
  readonly retryDelayMilliseconds?: number | undefined;
  /** Largest backoff between retries (default 10 000). A server's `retry-after` is honoured beyond it. */
  readonly maxRetryDelayMilliseconds?: number | undefined;
  /** Capabilities to report as given instead of probing (observed failures still turn `n` and logprobs off). */
  readonly capabilities?: Partial<BackendCapabilities> | undefined;
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

/** An OpenAI-compatible backend; `dispose()` aborts its requests in flight. */
export interface OpenAICompatibleBackend extends Backend {
  /**
   * This backend asking for whole (unstreamed) responses: one JSON body to read instead of a stream of
   * events, for a caller that waits for the whole answer anyway (a plain request the proxy does not
   * stream). It shares the backend's queue, capabilities, retries, deadline and lifetime; a generation
   * that stalls before its body begins is caught by the deadline only.
   */
  unstreamed(): Backend;
  dispose(): Promise<void>;
}

type ProbedCapabilities = Partial<Pick<BackendCapabilities, "n" | "logprobs" | "topLogprobs">>;

const secretHeaderName = /auth|key|token|secret|cookie/i;

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${field} must be a positive integer, got ${String(value)}`, { field });
  }
  return value;
}

function nonNegativeInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${field} must be an integer of at least 0, got ${String(value)}`, { field });
  }
  return value;
}

function positiveMilliseconds(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${field} must be a positive number of milliseconds, got ${String(value)}`, {
      field,
    });
  }
  return value;
}

function resolveApiKey(options: OpenAICompatibleBackendOptions): string | undefined {
  if (options.apiKey !== undefined && options.apiKeyEnv !== undefined) {
    throw new ConfigError("give apiKey or apiKeyEnv, not both", { field: "apiKey" });
  }
  if (options.apiKey !== undefined) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new ConfigError("apiKey must be a non-empty string", { field: "apiKey" });
    }
    return options.apiKey;
  }
  if (options.apiKeyEnv === undefined) return undefined;
  if (typeof options.apiKeyEnv !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.apiKeyEnv)) {
    throw new ConfigError(
      `apiKeyEnv must be the name of an environment variable, got ${JSON.stringify(options.apiKeyEnv)}`,
      { field: "apiKeyEnv" },
    );
  }
  const environment = options.environment ?? process.env;
  const value = environment[options.apiKeyEnv];
  if (value === undefined || value.trim() === "") {
    throw new ConfigError(
      `apiKeyEnv names the environment variable ${options.apiKeyEnv}, which is not set (expected the API key in it)`,
      { field: "apiKeyEnv" },
    );
  }
  return value;
}

function validateRequest(request: GenerationRequest): void {
  const check = (field: string, ok: boolean, value: unknown, expected: string) => {
    if (!ok) throw new ConfigError(`${field} must be ${expected}, got ${String(value)}`, { field });
  };
  const { n, maxTokens, topLogprobs, temperature, topP } = request;
  if (n !== undefined) check("request.n", Number.isInteger(n) && n >= 1, n, "a positive integer");
  if (maxTokens !== undefined) {
    check(
      "request.maxTokens",
      Number.isInteger(maxTokens) && maxTokens >= 1,
      maxTokens,
      "a positive integer",
    );
  }
  if (topLogprobs !== undefined) {
    check(
      "request.topLogprobs",
      Number.isInteger(topLogprobs) && topLogprobs >= 0,
      topLogprobs,
      "an integer ≥ 0",
    );
  }
  if (temperature !== undefined) {
    check(
      "request.temperature",
      Number.isFinite(temperature) && temperature >= 0,
      temperature,
      "a number ≥ 0",
    );
  }
  if (topP !== undefined) {
    check("request.topP", Number.isFinite(topP) && topP > 0 && topP <= 1, topP, "a number in (0, 1]");
  }
  const prompt = request.prompt;
  if (prompt.kind === "chat" && prompt.continueFinalMessage === true) {
    const last = prompt.messages.at(-1);
    check(
      "request.prompt.messages",
      last?.role === "assistant",
      last?.role ?? "no messages",
      "a list ending with an assistant message when continueFinalMessage is set",
    );
  }
}

function sumCounts(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const value of values) {
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

function usageOf(responses: readonly ParsedResponse[]): Usage {
  const promptTokens = sumCounts(responses.map((response) => response.usage?.promptTokens));
  const completionTokens = sumCounts(responses.map((response) => response.usage?.completionTokens));
  const cached = responses.map((response) => response.usage?.cachedPromptTokens);
  const usage: Usage = { promptTokens, completionTokens, calls: responses.length };
  if (cached.every((value) => value === undefined)) return usage;
  return { ...usage, cachedPromptTokens: cached.reduce<number>((sum, value) => sum + (value ?? 0), 0) };
}

/** Races a promise against a signal, without cancelling the promise's work. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A backend over any OpenAI-compatible HTTP server (vLLM, SGLang, llama.cpp server, Ollama, OpenAI),
 * using `fetch` directly. Text prompts go to `/completions` and chat prompts to `/chat/completions`;
 * `n`, sampling settings, stop strings, log-probabilities with top alternatives, `top_k`/`min_p` and
 * `extraBody` are sent in each endpoint's shape, and usage counts the server leaves out stay `undefined`.
 *
 * Reliability: responses are streamed (see `stream`), so a cut, stalled or unterminated stream fails the
 * attempt instead of passing as a short answer; 408/409/429/5xx, network errors and broken streams are
 * retried with exponential backoff and jitter, honouring `retry-after-ms`/`retry-after`, all inside one
 * deadline per request; every request stops when the call's signal aborts.
 *
 * Capabilities: `capabilities()` sends one tiny probe (`n: 2`, one token, logprobs) and caches the
 * answer, unless `options.capabilities` already says everything. A server that refuses `n > 1` (a 400 or
 * 422 naming `n`) or returns fewer choices than asked is answered by parallel single requests from then
 * on, and reported as `n: false`; one that sends no log-probabilities is reported as `logprobs: false`.
 * Per-request seeds of a fanned-out call are `seed + index`, so samples differ but stay reproducible.
 *
 * @example
 * const backend = createOpenAICompatibleBackend({
 *   baseUrl: "http://localhost:8000/v1",
 *   model: "Qwen/Qwen2.5-7B-Instruct",
 *   apiKeyEnv: "VLLM_API_KEY",
 * });
 * const result = await backend.generate(
 *   { prompt: { kind: "chat", messages: [{ role: "user", content: "2+2=?" }] }, n: 8, temperature: 0.8 },
 *   { signal: AbortSignal.timeout(60_000) },
 * );
 * await backend.dispose();
 */
export function createOpenAICompatibleBackend(
  options: OpenAICompatibleBackendOptions,
): OpenAICompatibleBackend {
  if (typeof options.model !== "string" || options.model.trim() === "") {
    throw new ConfigError(`model must be a non-empty string, got ${JSON.stringify(options.model)}`, {
      field: "model",
    });
  }
  const mode = options.endpoint ?? "auto";
  if (mode !== "chat" && mode !== "completions" && mode !== "auto") {
    throw new ConfigError(`endpoint must be "chat", "completions" or "auto", got ${JSON.stringify(mode)}`, {
      field: "endpoint",
    });
  }
  const endpoint = parseEndpointUrl(options.baseUrl);
  const apiKey = resolveApiKey(options);
  const concurrency = positiveInteger("concurrency", options.concurrency, 8);
  const maxRetries = nonNegativeInteger("maxRetries", options.maxRetries, 4);
  const timeoutMilliseconds =
    positiveMilliseconds("timeoutMilliseconds", options.timeoutMilliseconds) ?? 600_000;
  const stallTimeoutMilliseconds =
    positiveMilliseconds("stallTimeoutMilliseconds", options.stallTimeoutMilliseconds) ?? 60_000;
  const firstTokenTimeoutMilliseconds = positiveMilliseconds(
    "firstTokenTimeoutMilliseconds",
    options.firstTokenTimeoutMilliseconds,
  );
  const retryDelayMilliseconds =
    positiveMilliseconds("retryDelayMilliseconds", options.retryDelayMilliseconds) ?? 500;
  const maxRetryDelayMilliseconds =
    positiveMilliseconds("maxRetryDelayMilliseconds", options.maxRetryDelayMilliseconds) ?? 10_000;
  const stream = options.stream ?? true;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (typeof fetchFunction !== "function") {
    throw new ConfigError("fetch must be a function (no global fetch is available)", { field: "fetch" });
  }

  const headers: Record<string, string> = { ...(options.headers ?? {}) };
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

  const clock = options.clock ?? { now: () => performance.now() };
  const rng = options.rng;
  const caller = createHttpCaller({
    endpoint,
    headers,
    secrets,
    fetch: fetchFunction,
    clock,
    random: rng === undefined ? Math.random : () => rng.next(),
    timeoutMilliseconds,
    stallTimeoutMilliseconds,
    firstTokenTimeoutMilliseconds,
    maxRetries,
    retryDelayMilliseconds,
    maxRetryDelayMilliseconds,
  });
  const limit = createConcurrencyLimit(concurrency);
  const lifetime = new AbortController();
  const description: BackendDescription = {
    kind: "openai-compatible",
    model: options.model,
    baseUrl: endpoint.publicBase,
  };
  const name = `the OpenAI-compatible backend at ${endpoint.publicBase} (model ${options.model})`;

  const isOpenAI = endpoint.hostname === "api.openai.com";
  const derived: BackendCapabilities = {
    n: true,
    logprobs: true,
    topLogprobs: true,
    maxTopLogprobs: isOpenAI ? 20 : undefined,
    promptLogprobs: false,
    score: false,
    seed: true,
    chat: mode !== "completions",
    completion: mode !== "chat",
    continuePrefix: !(isOpenAI && mode === "chat"),
    grammar: false,
    topK: !isOpenAI,
  };
  const overrides = options.capabilities ?? {};
  /** Facts seen in responses; they overrule the probe and the overrides. */
  const learned: { n?: false; logprobs?: false; topLogprobs?: false } = {};
  let probed: ProbedCapabilities | undefined;
  let probing: Promise<ProbedCapabilities> | undefined;
  let disposed = false;
  /** Signals of the calls with a signal of their own, aborted with the backend. */
  const running = new Set<AbortController>();

  const setting = <K extends keyof BackendCapabilities>(key: K): BackendCapabilities[K] =>
    overrides[key] === undefined ? derived[key] : (overrides[key] as BackendCapabilities[K]);

  const assemble = (): BackendCapabilities => {
    const result: BackendCapabilities = { ...derived, ...(probed ?? {}), ...overrides, ...learned };
    return result.logprobs ? result : { ...result, topLogprobs: false };
  };

  const assertUsable = () => {
    if (disposed) throw new DisposedError(name);
  };

  const pathOf = (kind: EndpointKind) => (kind === "chat" ? "/chat/completions" : "/completions");

  /** Sends one HTTP request (with its retries) once a concurrency slot is free. */
  const send = (
    kind: EndpointKind,
    request: GenerationRequest,
    n: number,
    seed: number | undefined,
    logprobs: boolean,
    signal: AbortSignal,
    streamed: boolean = stream,
    onText?: (text: string) => void,
  ): Promise<ParsedResponse> =>
    limit.run(
      () =>
        caller.post({
          path: pathOf(kind),
          body: requestBody(request, {
            endpoint: kind,
            model: options.model,
            n,
            seed,
            logprobs,
            stream: streamed,
            samplingExtras: setting("topK"),
          }),
          withTopLogprobs: logprobs && topLogprobCount(request) > 0,
          signal,
          onText,
        }),
      signal,
    );

  const refuses = (error: unknown, pattern: RegExp): boolean => {
    if (!BackendCallError.isInstance(error) || (error.status !== 400 && error.status !== 422)) return false;
    const message = caller.serverMessageOf(error);
    return message !== undefined && pattern.test(message);
  };
  const namesN = /(^|[^a-z0-9_])n([^a-z0-9_]|$)|number of (choices|completions)/i;
  const namesLogprobs = /logprob/i;

  /** Learns from a response whether log-probabilities and their alternatives really come back. */
  const observe = (response: ParsedResponse, request: GenerationRequest, askedLogprobs: boolean) => {
    if (!askedLogprobs) return;
    const texts = response.choices.filter((choice) => choice.text.length > 0);
    if (texts.length > 0 && texts.every((choice) => choice.tokens === undefined)) learned.logprobs = false;
    const withTokens = response.choices.filter((choice) => (choice.tokens?.length ?? 0) > 0);
    if (topLogprobCount(request) > 0 && withTokens.length > 0 && !response.sawTopLogprobs) {
      learned.topLogprobs = false;
    }
  };

  /** Sends with log-probabilities when wanted; a server that refuses them is asked again without. */
  const sendObserving = async (
    kind: EndpointKind,
    request: GenerationRequest,
    n: number,
    seed: number | undefined,
    signal: AbortSignal,
    streamed: boolean,
    onText?: (text: string) => void,
  ): Promise<ParsedResponse> => {
    const askLogprobs = wantsLogprobs(request) && learned.logprobs !== false && overrides.logprobs !== false;
    try {
      const response = await send(kind, request, n, seed, askLogprobs, signal, streamed, onText);
      observe(response, request, askLogprobs);
      return response;
    } catch (error) {
      if (!askLogprobs || !refuses(error, namesLogprobs)) throw error;
      learned.logprobs = false;
      return send(kind, request, n, seed, false, signal, streamed, onText);
    }
  };

  const routeOf = (prompt: Prompt): EndpointKind => {
    if (prompt.kind === "chat") {
      if (mode === "completions") throw new CapabilityError("chat", "a chat prompt", name);
      return "chat";
    }
    if (mode === "chat") throw new CapabilityError("completion", "a text prompt", name);
    return "completions";
  };

  const probe = async (signal: AbortSignal): Promise<ProbedCapabilities> => {
    const kind: EndpointKind = mode === "completions" ? "completions" : "chat";
    const prompt: Prompt =
      kind === "chat"
        ? { kind: "chat", messages: [{ role: "user", content: "Say OK." }] }
        : { kind: "text", text: "OK" };
    const found: { n?: boolean; logprobs?: boolean; topLogprobs?: boolean } = {};
    let askN = overrides.n === undefined && learned.n === undefined;
    let askLogprobs = overrides.logprobs === undefined || overrides.topLogprobs === undefined;
    // At most three tiny requests, and one in the usual case: each refusal drops what was refused.
    for (;;) {
      if (!askN && !askLogprobs) return found;
      const request: GenerationRequest = {
        prompt,
        n: askN ? 2 : 1,
        maxTokens: 1,
        temperature: 1,
        ...(askLogprobs ? { logprobs: true, topLogprobs: 1 } : {}),
      };
      try {
        const response = await send(kind, request, askN ? 2 : 1, undefined, askLogprobs, signal);
        if (askN) found.n = response.choices.length >= 2;
        if (askLogprobs) {
          const tokens = response.choices.flatMap((choice) => choice.tokens ?? []);
          found.logprobs = response.sawLogprobs;
          found.topLogprobs = response.sawTopLogprobs || (response.sawLogprobs && tokens.length === 0);
        }
        return found;
      } catch (error) {
        if (askN && refuses(error, namesN)) {
          found.n = false;
          askN = false;
        } else if (askLogprobs && refuses(error, namesLogprobs)) {
          found.logprobs = false;
          found.topLogprobs = false;
          askLogprobs = false;
        } else {
          throw error;
        }
      }
    }
  };

  const needsProbe = () =>
    overrides.n === undefined || overrides.logprobs === undefined || overrides.topLogprobs === undefined;

  /** `generate`, streaming responses or not: the call's signal joined to the backend's lifetime. */
  const generateWith =
    (streamed: boolean) =>
    async (request: GenerationRequest, callOptions?: CallOptions): Promise<GenerationResult> => {
      assertUsable();
      validateRequest(request);
      const callSignal = callOptions?.signal;
      if (callSignal === undefined) return generateJoined(streamed, request, callOptions, lifetime.signal);
      callSignal.throwIfAborted();
      // Cheaper than `AbortSignal.any([callSignal, lifetime.signal])`: one listener on the call's signal,
      // and `dispose()` aborts the calls in `running` instead of a listener per call on the lifetime.
      const controller = new AbortController();
      const onAbort = () => controller.abort(callSignal.reason);
      callSignal.addEventListener("abort", onAbort, { once: true });
      running.add(controller);
      try {
        return await generateJoined(streamed, request, callOptions, controller.signal);
      } finally {
        running.delete(controller);
        callSignal.removeEventListener("abort", onAbort);
      }
    };

  /** `generate` under `signal`, which aborts with the call or with the backend. */
  const generateJoined = async (
    streamed: boolean,
    request: GenerationRequest,
    callOptions: CallOptions | undefined,
    signal: AbortSignal,
  ): Promise<GenerationResult> => {
    signal.throwIfAborted();
    const kind = routeOf(request.prompt);
    if (request.grammar !== undefined && !setting("grammar")) {
      throw new CapabilityError("grammar", "a request with a grammar", name);
    }
    const n = request.n ?? 1;
    const seed = request.seed;
    const responses: ParsedResponse[] = [];
    const picked: { choice: ParsedChoice; response: ParsedResponse }[] = [];
    const nativeN = learned.n !== false && (overrides.n ?? probed?.n ?? true);

    if (n === 1 || nativeN) {
      try {
        // Pieces are relayed for one completion only: a single stream, with nothing to interleave.
        const onText = n === 1 && streamed ? callOptions?.onText : undefined;
        const response = await sendObserving(kind, request, n, seed, signal, streamed, onText);
        if (response.choices.length === 0) {
          throw new BackendCallError(`POST ${endpoint.publicBase}${pathOf(kind)} returned no choices`, {
            isRetryable: true,
            url: `${endpoint.publicBase}${pathOf(kind)}`,
          });
        }
        responses.push(response);
        for (const choice of response.choices.slice(0, n)) picked.push({ choice, response });
        if (response.choices.length < n) learned.n = false;
      } catch (error) {
        if (!(n > 1 && refuses(error, namesN))) throw error;
        learned.n = false;
      }
    }

    const missing = n - picked.length;
    if (missing > 0) {
      // Siblings stop as soon as one fails: no request keeps running for a call that has failed.
      const siblings = new AbortController();
      const fanSignal = AbortSignal.any([signal, siblings.signal]);
      const start = picked.length;
      const results = await Promise.all(
        Array.from({ length: missing }, (_, offset) =>
          sendObserving(
            kind,
            request,
            1,
            seed === undefined ? undefined : seed + start + offset,
            fanSignal,
            streamed,
          ).catch((error: unknown) => {
            siblings.abort(error);
            throw error;
          }),
        ),
      );
      for (const response of results) {
        const choice = response.choices[0];
        if (choice === undefined) {
          throw new BackendCallError(`POST ${endpoint.publicBase}${pathOf(kind)} returned no choices`, {
            isRetryable: true,
            url: `${endpoint.publicBase}${pathOf(kind)}`,
          });
        }
        responses.push(response);
        picked.push({ choice, response });
      }
    }

    const withTokens = wantsLogprobs(request);
    const completions: Completion[] = picked.map(({ choice, response }, index) => {
      const reported = response.choices.length === 1 ? response.usage?.completionTokens : undefined;
      const completion: Completion = {
        index,
        text: choice.text,
        finishReason: choice.finishReason,
        completionTokens:
          choice.tokens !== undefined && (choice.tokens.length > 0 || choice.text === "")
            ? choice.tokens.length
            : reported,
      };
      return withTokens && choice.tokens !== undefined
        ? { ...completion, tokens: choice.tokens }
        : completion;
    });
    return {
      completions,
      usage: usageOf(responses),
      model: responses.find((response) => response.model !== undefined)?.model ?? options.model,
    };
  };

  const capabilities = async (callOptions?: CallOptions): Promise<BackendCapabilities> => {
    assertUsable();
    callOptions?.signal?.throwIfAborted();
    if (probed !== undefined || !needsProbe()) return assemble();
    if (probing === undefined) {
      // Shared by concurrent callers; it stops only with the backend, and a failure is not cached.
      const current = probe(lifetime.signal).then(
        (result) => {
          probed = result;
          return result;
        },
        (error: unknown) => {
          probing = undefined;
          throw error;
        },
      );
      probing = current;
    }
    await untilAborted(probing, callOptions?.signal);
    return assemble();
  };
  const whole: Backend = {
    describe: () => description,
    capabilities,
    generate: generateWith(false),
  };

  return {
    describe: () => description,
    capabilities,
    generate: generateWith(stream),
    unstreamed: () => whole,

    async dispose() {
      if (disposed) return;
      disposed = true;
      // Every call's signal follows the lifetime: waiting calls are dropped, running ones aborted.
      const reason = new DisposedError(name);
      lifetime.abort(reason);
      for (const controller of running) controller.abort(reason);
    },
  };
}
