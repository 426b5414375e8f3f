import type {
  GenerationRequest,
  GenerationResult,
  Prompt,
  ScoreRequest,
  ScoreResult,
  TokenLogprob,
} from "./generation.ts";

/**
 * What a backend can do. Strategies that need a capability check it first and fail with a
 * `CapabilityError` naming it, instead of silently degrading.
 */
export interface BackendCapabilities {
  /** Native `n > 1` in one call. Without it the backend fans out into parallel calls itself. */
  readonly n: boolean;
  /**
   * A call of `n` completions charges its prompt `n` times: the usage's `promptTokens` counts it once per
   * completion, as each completion reads it in its own sequence (the embedded llama.cpp engine). Absent or
   * `false`, one request charges its prompt once whatever its `n` (OpenAI, vLLM, llama.cpp's server); a
   * fanned-out call makes a request per completion either way. Calls are sized against a token budget by it.
   */
  readonly promptPerCompletion?: boolean | undefined;
  /** Per-token log-probabilities of generated tokens. */
  readonly logprobs: boolean;
  /** Top-k alternatives per position. */
  readonly topLogprobs: boolean;
  /** Largest `topLogprobs` accepted; `undefined` when unknown. */
  readonly maxTopLogprobs: number | undefined;
  /** Log-probabilities of the prompt tokens (vLLM `prompt_logprobs`, or `echo` with logprobs). */
  readonly promptLogprobs: boolean;
  /** `score()` of a given continuation is available. */
  readonly score: boolean;
  /** Reproducible sampling by `seed`. */
  readonly seed: boolean;
  /** Chat prompts. */
  readonly chat: boolean;
  /** Plain text (completion) prompts. */
  readonly completion: boolean;
  /** Continue a partial assistant message (`continueFinalMessage`) or a text prefix. */
  readonly continuePrefix: boolean;
  /** Grammar-constrained generation. */
  readonly grammar: boolean;
  /** `topK` sampling parameter is honoured. */
  readonly topK: boolean;
  /**
   * `generate` calls a token watcher (`CallOptions.watch`) with each token as it is generated, and ends a
   * completion where the watcher says `stop`. A backend may still refuse a request whose sampling
   * settings keep it from reading log-probabilities live (a `ConfigError` naming the setting).
   */
  readonly watchTokens: boolean;
  /**
   * Sampling settings the server applies to every field a request leaves out, where the server says
   * (llama.cpp's `/props`); absent when nothing was discovered. Recorded in run manifests, because hidden
   * defaults such as top-k 40 / min-p 0.05 change results.
   */
  readonly samplingDefaults?: ServerSamplingDefaults | undefined;
}

/** Sampling defaults a server reported, and where it reported them. */
export interface ServerSamplingDefaults {
  /** Where they were read, e.g. `llama.cpp GET /props`. */
  readonly source: string;
  /** Settings by the server's own field names, e.g. `{ top_k: 40, min_p: 0.05, temperature: 0.8 }`. */
  readonly values: Readonly<Record<string, number | string | boolean | readonly string[]>>;
}

/** What a token watcher decides after a token: go on generating, or end that completion there. */
export type TokenVerdict = "continue" | "stop";

/**
 * Watches completions' tokens as they are generated: called once per generated token, in order, with the
 * completion's `index` among the request's `n` and the token with its log-probability (and its top
 * alternatives when the request asked for `topLogprobs`). `stop` ends that completion after this token,
 * with finish reason `cut`; the others go on. Log-probabilities are those the backend reports in
 * `Completion.tokens`.
 *
 * @example
 * const watch: TokenWatcher = (index, token) => (token.logprob < -5 ? "stop" : "continue");
 */
export type TokenWatcher = (index: number, token: TokenLogprob) => TokenVerdict;

/** Per-call options shared by every backend method. */
export interface CallOptions {
  /** Aborts the call (and every retry or fan-out request behind it). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Receives each completion's text piece by piece as it arrives, with the completion's `index` among the
   * request's `n` (its `Completion.index`; the pieces of several completions interleave), for backends
   * that stream it (others never call it; the result holds the whole text either way). Once a piece was
   * delivered the call is not retried: a failure after it is final, since the text cannot be taken back.
   */
  readonly onText?: ((text: string, index: number) => void) | undefined;
  /**
   * Receives each completion's reasoning (a reasoning model's `reasoning_content`, kept apart from the
   * text) piece by piece as it arrives, with the completion's `index`, for backends that stream it; as for
   * `onText`, the call is not retried once a piece was delivered.
   */
  readonly onReasoning?: ((text: string, index: number) => void) | undefined;
  /**
   * Told when an upstream has accepted the call: an HTTP backend calls it as a request of the call is
   * answered with a success status (its response headers), before any of the answer is read; a call of
   * several requests, or retried after a stream broke, may call it more than once. The call may still fail
   * after it (a stream cut, a later request). Backends that call no upstream never call it. A server holds
   * a streamed response's headers until then, so that an upstream that refuses the call (a 429, a 5xx
   * after its retries) is answered with its real status.
   */
  readonly onAccepted?: (() => void) | undefined;
  /**
   * Watches each completion's tokens as they are generated and may end one early (finish reason `cut`);
   * needs `capabilities.watchTokens` (a backend without it throws a `CapabilityError`). A cut completion
   * counts, in `completionTokens` and usage, exactly the tokens generated up to and including the one the
   * watcher stopped at, and its `tokens` (when asked for) hold those tokens.
   */
  readonly watch?: TokenWatcher | undefined;
  /**
   * Receives what the call had done when an abort of `signal` ended it and it is about to reject with the
   * signal's reason, as far as the backend can tell: the completions it had started, those cut by the abort
   * with finish reason `abort` and the text generated up to it, those that had finished as they ended; and
   * the usage of its requests up to the abort, each count it cannot tell `undefined` (so a sum with it is
   * unknown too). Called at most once, before the call rejects, and not when nothing was sent. A backend
   * that resolves on an abort with the completions cut there (finish reason `abort`), as the embedded one
   * does, reports its usage in the result instead. Either way, `generateRecorded` charges it to the run.
   */
  readonly onAborted?: ((partial: GenerationResult) => void) | undefined;
}

/** Identity of a backend for manifests and traces. Never contains secrets. */
export interface BackendDescription {
  /** Backend family, e.g. `openai-compatible`, `llama-cpp`, `scripted`. */
  readonly kind: string;
  /** Model name or file. */
  readonly model: string;
  /** Base URL without credentials or query, for HTTP backends. */
  readonly baseUrl?: string | undefined;
  /** Versions of the software behind the backend, when known (e.g. `{ "node-llama-cpp": "3.22.1" }`). */
  readonly versions?: Readonly<Record<string, string>> | undefined;
  /** Content hash of the model file, when known. */
  readonly modelHash?: string | undefined;
  /**
   * Path of the model file a server loaded, as the server reports it (llama.cpp's `GET /props`
   * `model_path`); `undefined` for other backends and servers that do not say.
   */
  readonly modelFile?: string | undefined;
  /** Shape of the model, when known (read from the model file, or configured), for cost estimates. */
  readonly architecture?: ModelArchitecture | undefined;
  /**
   * Contexts of an in-process engine decoding side by side (the embedded llama.cpp engine's `contexts`);
   * `undefined` for a server, whose engine the client does not see. How fast, not what: never part of a
   * run's configuration.
   */
  readonly contexts?: number | undefined;
  /** Threads of each of those contexts; `undefined` for a server. */
  readonly threads?: number | undefined;
}

/**
 * Shape of a decoder-only transformer, enough to estimate the FLOPs, memory traffic and energy of generating
 * with it. Fields a source did not give are `undefined`.
 */
export interface ModelArchitecture {
  /** Architecture family as the model file names it, e.g. `llama`. */
  readonly type?: string | undefined;
  /** Number of weights (all tensors, embeddings included). */
  readonly parameters: number;
  /** Number of transformer blocks. */
  readonly layers: number;
  /** Width of the residual stream (d_model). */
  readonly embedding: number;
  /** Attention heads. */
  readonly heads?: number | undefined;
  /** Key/value heads (fewer than `heads` under grouped-query attention); default `heads`. */
  readonly keyValueHeads?: number | undefined;
  /** Width of the feed-forward layer. */
  readonly feedForward?: number | undefined;
  /** Vocabulary size. */
  readonly vocabulary?: number | undefined;
  /** Context length the model was trained on, in tokens. */
  readonly contextLength?: number | undefined;
  /** Bytes of the weights as loaded (quantization included); default 2 bytes per parameter. */
  readonly weightBytes?: number | undefined;
}

/**
 * Peak rates an inference engine reached on this machine, measured by running its own kernels (e.g. a batched
 * prompt evaluation for FLOP/s, single-token decoding for bandwidth); recorded in run manifests beside the
 * rates measured in JavaScript, for the roofline.
 */
export interface EngineRates {
  /** Floating-point operations per second (a multiply-add counts 2). */
  readonly flopsPerSecond: number;
  /** Bytes per second read from memory (weights and key/value cache). */
  readonly bytesPerSecond: number;
  /** How the rates were obtained, e.g. `measured by llama.cpp on 1 thread (...)`. */
  readonly source: string;
}

/**
 * A source of completions: an OpenAI-compatible server, the embedded llama.cpp engine, recorded samples
 * or a scripted test double.
 *
 * @example
 * const result = await backend.generate({ prompt: { kind: "text", text: "Q: 2+2=? A:" }, n: 4, temperature: 1 });
 */
export interface Backend {
  /** Identity for manifests and traces. */
  describe(): BackendDescription;
  /** What this backend can do; may probe the server once and cache the answer. */
  capabilities(options?: CallOptions): Promise<BackendCapabilities>;
  /** Sample `request.n` completions. */
  generate(request: GenerationRequest, options?: CallOptions): Promise<GenerationResult>;
  /** Log-probabilities of a given continuation; present when `capabilities.score`. */
  score?(request: ScoreRequest, options?: CallOptions): Promise<ScoreResult>;
  /**
   * The tokens `prompt` takes as this backend evaluates it, exactly: its chat template and
   * beginning-of-sequence token included. Present on backends that hold the model's tokenizer (the
   * embedded llama.cpp engine), where it costs a tokenization in this process (about 0.1 to 0.3 µs per
   * character on the lab models) and no call to the model.
   *
   * @throws what `generate` throws for a prompt it cannot render (a chat prompt for a model without a
   *   chat template, say), or the signal's reason when `options.signal` is aborted.
   */
  countTokens?(prompt: Prompt, options?: CallOptions): Promise<number>;
  /**
   * Peak FLOP/s and bandwidth the backend's own engine reaches on this machine, measured on its first call
   * and cached; present on backends that run the model in this process (the embedded llama.cpp engine).
   */
  measureRates?(options?: CallOptions): Promise<EngineRates>;
  /** Releases native or network resources; calls after disposal throw. */
  dispose?(): Promise<void>;
}
