import { CapabilityError, DisposedError } from "../../errors/index.ts";
import { createConcurrencyLimit } from "../../runtime/index.ts";
import type {
  Backend,
  BackendDescription,
  CallOptions,
  GenerationRequest,
  GenerationResult,
  Prompt,
} from "../../spec/index.ts";
import { traceContextFetch } from "../../telemetry/index.ts";
import { createBackendLifetime } from "./backend-lifetime.ts";
import { createCapabilityState, derivedCapabilities } from "./capability-state.ts";
import { parseEndpointUrl } from "./endpoint-url.ts";
import { fanOut } from "./fan-out.ts";
import { generationResult } from "./generation-result.ts";
import { pieceRelayOf } from "./http-call.ts";
import { createHttpCaller } from "./http-caller.ts";
import { withLostSamples } from "./lost-samples.ts";
import {
  type OpenAICompatibleBackendOptions,
  parseBackendOptions,
} from "./openai-compatible-backend-options.ts";
import { createPromptTokenCounter } from "./prompt-token-counter.ts";
import { type EndpointKind, wantsLogprobs } from "./request-body.ts";
import { requestHeaders } from "./request-headers.ts";
import { createRequestSender, endpointPath } from "./request-sender.ts";
import { createServerProfile } from "./server-profile.ts";
import { stopSequenceLimit } from "./stop-sequence-limit.ts";
import { validateRequest } from "./validate-request.ts";
import { wholeResponsePlan } from "./whole-response-plan.ts";

/** An OpenAI-compatible backend; `dispose()` aborts its requests in flight. */
export interface OpenAICompatibleBackend extends Backend {
  /**
   * This backend asking for whole (unstreamed) responses: one JSON body to read instead of a stream of
   * events, for a caller that waits for the whole answer anyway (a plain request the proxy does not
   * stream). It shares the backend's queue, capabilities, retries, deadline and lifetime; a generation
   * that stalls before its body begins is caught by the deadline only. With a first-token limit
   * (`firstTokenTimeoutMilliseconds`) it streams its requests all the same, since only a stream tells
   * when the first token came, and returns each response assembled whole (no pieces relayed, no watcher).
   * A call for `n > 1` from llama.cpp's server is streamed too (or, with `stream: false`, sent one choice a
   * request), since its whole responses count one choice's completion tokens only (`wholeResponsePlan`).
   */
  unstreamed(): Backend;
  dispose(): Promise<void>;
}

/**
 * A backend over any OpenAI-compatible HTTP server (vLLM, SGLang, llama.cpp server, Ollama, OpenAI),
 * using `fetch` directly. Text prompts go to `/completions` and chat prompts to `/chat/completions`;
 * `n`, sampling settings, stop strings, log-probabilities with top alternatives, `top_k`/`min_p` and
 * `extraBody` are sent in each endpoint's shape, and usage counts the server leaves out stay `undefined`.
 *
 * Reliability: responses are streamed (see `stream`), so a cut, stalled or unterminated stream fails the
 * attempt instead of passing as a short answer (one that delivered every choice's finish and the usage is
 * whole without its `[DONE]`, and is not waited on; `readEventStream`); 408/409/429/5xx, network errors and broken streams are
 * retried with exponential backoff and jitter, honouring `retry-after-ms`/`retry-after`, all inside one
 * deadline per request; every request stops when the call's signal aborts. A request that succeeds after
 * attempts whose streams broke part-way is charged their tokens too (the server generated them): their
 * completion tokens counted as an aborted stream's are, their prompt as their usage chunk said, else as the
 * answer's (read, not cached). It still counts one call, as `maxCalls` counts requests; an attempt answered
 * with an error status, or that broke before its first piece, adds nothing, and a request that fails in
 * the end (or is aborted) has no result to charge its failed attempts to.
 *
 * Capabilities: `capabilities()` sends one tiny probe (`n: 2`, one token, logprobs) and caches the
 * answer, unless `options.capabilities` already says everything; a probe that fails rejects with a
 * `BackendCallError` that says so (`probing capabilities: POST …/v1/chat/completions failed …`). Known
 * capabilities are answered whatever the call's signal says; a call whose signal aborted sends nothing
 * (no probe, no discovery) and rejects with its reason when the capabilities are not known yet, as it does
 * when its signal aborts while they are asked. Beside it, the server is asked what it is
 * (llama.cpp's `GET /props`, vLLM's `GET /version`, each given 2 seconds and optional): its sampling
 * defaults join the capabilities, and from then on `describe()` adds its versions (`llama.cpp` build,
 * `server` version) and the model file it loaded, for run manifests. Its answer is remembered for the
 * backend's life; a route that gave none (the server down or unreachable, too slow, or answering 408, 409,
 * 429 or a 5xx while it loads) is asked again on a later `capabilities()` or `countTokens()`, 5 s later at
 * the soonest, doubling to 60 s while it keeps failing (`rediscoveryDelays`). A server that refuses `n > 1` (a 400 or
 * 422 naming `n`) or returns fewer choices than asked is answered by parallel single requests from then
 * on, and reported as `n: false` (one that answered a smaller `n` in full, such as llama.cpp's server
 * beyond its number of slots, keeps answering smaller `n` in one request); one that sends no
 * log-probabilities is reported as `logprobs: false`. Per-request seeds of a fanned-out call are
 * `seed + index`, so samples differ but stay reproducible (llama.cpp's server seeds the choices of one
 * request the same way, so there a call gets the same samples whether it was fanned out or not).
 *
 * Usage of `n > 1` on llama.cpp's server: its whole (unstreamed) response for several choices reports the
 * completion tokens of one choice only, where its stream reports each choice's own (a usage per choice,
 * which the backend adds up, the prompt counted once). So a call that would get whole responses
 * (`stream: false`, or `unstreamed()`) for `n > 1` from a server that is llama.cpp's (its discovery found
 * `GET /props`, or `tokenizer: "llama.cpp"` says so) is streamed instead, and assembled whole; with
 * `stream: false` it is sent one request per choice instead (seeds `seed + index`, the samples llama.cpp
 * would have drawn; the prompt then charged per request). The first such call waits for the discovery
 * (2 seconds at most); a server not known to be llama.cpp's gets whole responses, as asked
 * (`wholeResponsePlan`).
 *
 * Prompt tokens (`countTokens`, unless `tokenizer: "none"`): counted exactly by the server's own
 * tokenizer, as its usage's `prompt_tokens` will report them (chat template and beginning-of-sequence
 * token included): llama.cpp's `POST /apply-template` and `POST /tokenize`, or vLLM's `POST /tokenize`,
 * chosen by the server's discovery (`tokenizer: "auto"`) or by the option, under the backend's deadline
 * and the call's signal, outside the concurrency limit (a tokenization, no call to the model). A server
 * with no such route (one that is neither, or answers the route with 404) makes `countTokens` throw a
 * `CapabilityError`, learnt at the cost of at most one request in the backend's life; a caller sizing a
 * call under a budget then estimates the prompt instead. Only an answer decides it: while the server's
 * discovery got none (the server not up yet), `countTokens` throws a retryable `BackendCallError`, and
 * counts exactly once a later discovery finds the server.
 *
 * Token watchers (`CallOptions.watch`; `watchTokens` is on while responses stream and the server sends
 * log-probabilities): every completion is its own streamed request, asking for log-probabilities; each
 * token is handed to the watcher as its chunk arrives, and at `stop` the stream is closed (so the server
 * stops generating) and the completion returned with finish reason `cut`, its usage counting the tokens
 * received (prompt tokens unknown). A watched request is not retried once a token was watched; a server
 * that streams no log-probabilities fails the call rather than leave the watcher unheard.
 *
 * Lost samples: a call fanned out into single-choice requests (a server that refuses `n`, a token
 * watcher) whose requests failed in part returns the completions that came, with `lostSamples` (how many
 * are missing, the first failure) and the tokens the failed ones had used added to its usage; it rejects,
 * with the first failure, only when none came. A request of several choices in one either answers whole
 * or fails whole.
 *
 * Aborts (`CallOptions.onAborted`): when the call's signal aborts, every request of it is waited for (they
 * share the abort), and `onAborted` is told what those that were sent had done before the call rejects
 * with the signal's reason: finished ones as they ended; streamed ones cut there, with finish reason
 * `abort`, the text received and their tokens counted from their log-probabilities, else from a usage
 * chunk, else as the pieces received (llama.cpp's server and vLLM stream a token a piece), their prompt
 * tokens from a usage chunk, else from a finished request of the same call, else unknown; one sent whose
 * stream had not begun (or unstreamed) counts a call of unknown tokens. An attempt the server answered
 * with an error counts nothing, as when a retry succeeds. Nothing sent, nothing told.
 *
 * Tracing (OpenTelemetry, no-ops without a registered SDK): each request of the capability probe is a
 * client span of its own, `chat <model>` (or `text_completion <model>`) with `mull.probe: true` (a
 * generation's requests are its generation's span), and every request sends the active span upstream as
 * its parent, through the registered propagator (`traceparent`; nothing is added without one).
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
  const checked = parseBackendOptions(options);
  // Every request carries the active trace context, where a propagator is registered (`traceContextFetch`).
  const parsed = { ...checked, fetch: traceContextFetch(checked.fetch) };
  const { model, endpoint: mode, stream } = parsed;
  const endpoint = parseEndpointUrl(parsed.baseUrl);
  const { headers, secrets } = requestHeaders(parsed, endpoint);
  const rng = parsed.rng;
  const caller = createHttpCaller({
    endpoint,
    headers,
    secrets,
    fetch: parsed.fetch,
    clock: parsed.clock,
    random: rng === undefined ? Math.random : () => rng.next(),
    timeoutMilliseconds: parsed.timeoutMilliseconds,
    stallTimeoutMilliseconds: parsed.stallTimeoutMilliseconds,
    firstTokenTimeoutMilliseconds: parsed.firstTokenTimeoutMilliseconds,
    maxRetries: parsed.maxRetries,
    retryDelayMilliseconds: parsed.retryDelayMilliseconds,
    maxRetryDelayMilliseconds: parsed.maxRetryDelayMilliseconds,
  });
  const lifetime = createBackendLifetime();
  const derived = derivedCapabilities(endpoint, mode, stream);
  const overrides = parsed.capabilities;
  const sender = createRequestSender({
    caller,
    limit: createConcurrencyLimit(parsed.concurrency),
    model,
    // Fixed for the backend's life: only a given or derived setting, never probed or learned.
    samplingExtras: overrides.topK ?? derived.topK,
    // OpenAI's API refuses more than 4 stop strings: such a request is refused before it is sent.
    maxStopSequences: stopSequenceLimit(endpoint),
  });
  const state = createCapabilityState({
    derived,
    overrides,
    sender,
    probeKind: mode === "completions" ? "completions" : "chat",
    stream,
    lifetime: lifetime.signal,
  });
  const configured: BackendDescription = {
    kind: "openai-compatible",
    model,
    baseUrl: endpoint.publicBase,
    ...(parsed.architecture === undefined ? {} : { architecture: parsed.architecture }),
  };
  const name = `the OpenAI-compatible backend at ${endpoint.publicBase} (model ${model})`;
  let disposed = false;
  const profile = createServerProfile({
    endpoint,
    headers,
    fetch: parsed.fetch,
    clock: parsed.clock,
    lifetime: lifetime.signal,
    tokenizer: parsed.tokenizer,
    configured,
    state,
  });
  const { describe, discover } = profile;

  const assertUsable = () => {
    if (disposed) throw new DisposedError(name);
  };

  const routeOf = (prompt: Prompt): EndpointKind => {
    if (prompt.kind === "chat") {
      if (mode === "completions") throw new CapabilityError("chat", "a chat prompt", name);
      return "chat";
    }
    if (mode === "chat") throw new CapabilityError("completion", "a text prompt", name);
    return "completions";
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
    if (request.grammar !== undefined && !state.setting("grammar")) {
      throw new CapabilityError("grammar", "a request with a grammar", name);
    }
    const watch = callOptions?.watch;
    const onAborted = callOptions?.onAborted;
    if (watch !== undefined && !(streamed && (await state.capabilities(signal)).watchTokens)) {
      throw new CapabilityError("watchTokens", "a token watcher", name);
    }
    const n = request.n ?? 1;
    const plan =
      streamed || n === 1
        ? "whole"
        : wholeResponsePlan({ n, llamaCpp: await profile.servedByLlamaCpp(signal), streamAllowed: stream });
    const { picked, responses, lost } = await fanOut(
      {
        kind,
        // A watcher hears every token's log-probability, whether or not the result returns them.
        request: watch === undefined || wantsLogprobs(request) ? request : { ...request, logprobs: true },
        n,
        seed: request.seed,
        signal,
        streamed: streamed || plan === "streamed",
        oneChoiceEach: plan === "one-per-choice",
        onPiece: pieceRelayOf(callOptions),
        onAccepted: callOptions?.onAccepted,
        watch,
        // Told at the call's own abort only: the backend's disposal rejects with its own error.
        onAborted:
          onAborted === undefined
            ? undefined
            : (done) => {
                if (callOptions?.signal?.aborted === true) {
                  onAborted(generationResult(request, done.picked, done.responses, model));
                }
              },
      },
      state,
      sender,
      `${endpoint.publicBase}${endpointPath(kind)}`,
    );
    const result = generationResult(request, picked, responses, model);
    return lost === undefined ? result : withLostSamples(result, lost, responses);
  };

  /** `generate`, streaming responses or not: the call's signal joined to the backend's lifetime. */
  const generateWith =
    (streamed: boolean) =>
    async (request: GenerationRequest, callOptions?: CallOptions): Promise<GenerationResult> => {
      assertUsable();
      validateRequest(request);
      return lifetime.join(callOptions?.signal, (signal) =>
        generateJoined(streamed, request, callOptions, signal),
      );
    };

  const capabilities: Backend["capabilities"] = async (callOptions) => {
    assertUsable();
    return profile.capabilities(callOptions?.signal);
  };
  const counter =
    parsed.tokenizer === "none"
      ? undefined
      : createPromptTokenCounter({
          tokenizer: parsed.tokenizer,
          discover,
          server: { requestBase: endpoint.requestBase, headers, secrets, fetch: parsed.fetch, model },
          timeoutMilliseconds: parsed.timeoutMilliseconds,
          lifetime: lifetime.signal,
          name,
        });
  // Present only where the server may count: `tokenizer: "none"` leaves the estimate to the callers.
  const counting: Pick<Backend, "countTokens"> =
    counter === undefined
      ? {}
      : {
          async countTokens(prompt: Prompt, callOptions?: CallOptions): Promise<number> {
            assertUsable();
            callOptions?.signal?.throwIfAborted();
            return counter.count(prompt, routeOf(prompt), callOptions?.signal);
          },
        };
  const whole: Backend = {
    describe,
    ...counting,
    // Whole responses come at once: nothing to watch as it is generated.
    capabilities: async (callOptions) => ({ ...(await capabilities(callOptions)), watchTokens: false }),
    // A first-token limit needs the time of the first token, which only a stream tells.
    generate: generateWith(stream && parsed.firstTokenTimeoutMilliseconds !== undefined),
  };

  return {
    describe,
    capabilities,
    generate: generateWith(stream),
    ...counting,
    unstreamed: () => whole,

    async dispose() {
      if (disposed) return;
      disposed = true;
      // Every call's signal follows the lifetime: waiting calls are dropped, running ones aborted.
      lifetime.end(new DisposedError(name));
    },
  };
}
