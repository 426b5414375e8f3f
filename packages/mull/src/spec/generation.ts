import type { Usage } from "./usage.ts";

/**
 * A function call a model asked for (OpenAI's `tool_calls[i]` of type `function`). `arguments` is the JSON
 * text as the model wrote it.
 */
export interface ToolCall {
  /** The call's id, which the `tool` message answering it names. */
  readonly id: string;
  /** The function's name. */
  readonly name: string;
  /** The arguments as JSON text (possibly malformed: models write it). */
  readonly arguments: string;
}

/**
 * One message of a chat prompt. A tool-use conversation adds the assistant's `toolCalls` and the `tool`
 * messages answering them (`toolCallId`); backends that cannot render them refuse the role.
 */
export interface ChatMessage {
  /** Who speaks: `system` instructions, the `user`, the model (`assistant`), a function result (`tool`). */
  readonly role: "system" | "user" | "assistant" | "tool";
  /** The message's text (empty for an assistant message that only made `toolCalls`). */
  readonly content: string;
  /** The calls an assistant message made (its `content` may then be empty). */
  readonly toolCalls?: readonly ToolCall[] | undefined;
  /** The call a `tool` message answers. */
  readonly toolCallId?: string | undefined;
}

/**
 * What the model is asked to continue.
 *
 * - `text`: a raw completion prompt (completions endpoint, or plain evaluation in the embedded backend).
 * - `chat`: messages rendered by the model's own chat template. With `continueFinalMessage`, the last
 *   message must be the assistant's and the model continues it instead of starting a new turn (needed to
 *   extend a partial solution by one step; backends report support as `capabilities.continuePrefix`).
 */
export type Prompt =
  | {
      /** A raw completion prompt. */
      readonly kind: "text";
      /** The prompt text, sent as it is, with no chat template. */
      readonly text: string;
      /**
       * Strings that end a completion of this prompt before them, as the request's `stop` does (a
       * few-shot template's next question, `["\n\nQuestion:"]`); backends honour both. Default none.
       */
      readonly stop?: readonly string[] | undefined;
    }
  | {
      /** Messages for the model's chat template. */
      readonly kind: "chat";
      /** The conversation so far, oldest first. */
      readonly messages: readonly ChatMessage[];
      /** Continue the last message (the assistant's) instead of starting a new turn; default false. */
      readonly continueFinalMessage?: boolean | undefined;
      /** Strings that end a completion of this prompt before them, as the request's `stop` does; default none. */
      readonly stop?: readonly string[] | undefined;
    };

/** A request for one or more sampled completions of one prompt. */
export interface GenerationRequest {
  /** What the model continues. */
  readonly prompt: Prompt;
  /** Number of completions to sample; default 1. Backends without native `n` fan out. */
  readonly n?: number | undefined;
  /** Sampling temperature; 0 means greedy. */
  readonly temperature?: number | undefined;
  /** Nucleus sampling threshold in (0, 1]; 1 disables it. */
  readonly topP?: number | undefined;
  /** Top-k sampling; 0 disables it. Not every backend honours it (see capabilities). */
  readonly topK?: number | undefined;
  /** Min-p sampling; 0 disables it. */
  readonly minP?: number | undefined;
  /** Seed for reproducible sampling where the backend supports it. */
  readonly seed?: number | undefined;
  /**
   * Generation stops before any of these strings, or of the prompt's own `stop`; the stop string is not
   * included in the text.
   */
  readonly stop?: readonly string[] | undefined;
  /** Maximum tokens to generate per completion. */
  readonly maxTokens?: number | undefined;
  /** Return per-token log-probabilities of the sampled tokens. */
  readonly logprobs?: boolean | undefined;
  /** Also return this many top alternatives per position (implies `logprobs`). */
  readonly topLogprobs?: number | undefined;
  /** GBNF grammar constraining the output, where the backend supports it. */
  readonly grammar?: string | undefined;
  /**
   * Extra fields merged into the HTTP request body as they are (e.g. vLLM's `prompt_logprobs`,
   * `top_k`, `min_p`). Ignored by backends that are not HTTP.
   */
  readonly extraBody?: Readonly<Record<string, unknown>> | undefined;
}

/** An alternative token at one position, with its log-probability. */
export interface TopLogprob {
  /** The token's text, as the backend decodes it. */
  readonly token: string;
  /** Its log-probability at this position: a natural logarithm, at most 0. */
  readonly logprob: number;
  /**
   * The token's id in the model's vocabulary, where the backend reports it: the embedded backend and
   * llama.cpp's server do; OpenAI's API does not (`undefined`). Unlike the text, it tells apart tokens that
   * decode alike (byte tokens, control tokens); ids of two backends name the same token only when both
   * serve the same vocabulary.
   */
  readonly id?: number | undefined;
}

/**
 * One generated token with its log-probability.
 *
 * Log-probabilities are those the backend reports: OpenAI-compatible servers usually report the raw
 * model distribution; the embedded backend documents which distribution it reports.
 */
export interface TokenLogprob {
  /** The generated (or, for `score`, the given) token's text, as the backend decodes it. */
  readonly token: string;
  /** Its log-probability at this position: a natural logarithm, at most 0. */
  readonly logprob: number;
  /** Top alternatives at this position, most likely first, when requested. */
  readonly topLogprobs?: readonly TopLogprob[] | undefined;
  /**
   * Entropy in nats of the model's whole next-token distribution at this position, −Σ p log p, when the
   * backend read that distribution (the embedded backend does while generating with `topLogprobs` on a small
   * vocabulary); `undefined` otherwise. Routers read it to tell uncertain positions.
   */
  readonly entropy?: number | undefined;
}

/**
 * Why generation ended.
 * - `stop`: a natural end (end-of-sequence token or a stop string);
 * - `length`: `maxTokens` or the context was reached;
 * - `abort`: the caller's signal fired;
 * - `cut`: the call's token watcher (`CallOptions.watch`) ended it;
 * - `unknown`: the backend did not say.
 */
export type FinishReason = "stop" | "length" | "abort" | "cut" | "unknown";

/** One sampled completion. */
export interface Completion {
  /** Position of this completion among the request's `n`. */
  readonly index: number;
  /** Generated text, without the prompt and without a matched stop string. */
  readonly text: string;
  /** Why generation of this completion ended. */
  readonly finishReason: FinishReason;
  /** Tokens generated for this completion; `undefined` when not reported. */
  readonly completionTokens: number | undefined;
  /** Per-token log-probabilities, present when the request asked for them. */
  readonly tokens?: readonly TokenLogprob[] | undefined;
  /**
   * With `tokens`: the log-probability of the end-of-generation token that ended the completion (not part
   * of `tokens` or `text`), so that the sum of both is the log-probability of the completion as a whole, a
   * text that ends there. `undefined` when it did not end on such a token (a stop string, a length limit)
   * or the backend does not report it: the embedded backend reads it, and the OpenAI-compatible backend
   * takes it from the last token of a completion that ended on its own when that token has no text, as
   * llama.cpp's server sends it (servers that leave the end token out report none).
   */
  readonly endLogprob?: number | undefined;
  /**
   * The function calls the completion ended in (a request that offered `tools` in `extraBody`), when the
   * backend reported any; its `text` is then whatever content came with them, often empty.
   */
  readonly toolCalls?: readonly ToolCall[] | undefined;
  /**
   * Reasoning the server sent apart from the text (a reasoning model's `reasoning_content`), when it sent
   * any: never part of `text`, so never read for the answer.
   */
  readonly reasoning?: string | undefined;
  /**
   * The stop string (one of the request's `stop`) that ended the completion, when the backend says which
   * (vLLM's `stop_reason`, llama.cpp's `stopping_word`); `undefined` for any other end, or when not told.
   */
  readonly stopSequence?: string | undefined;
}

/** The result of one `generate` call. */
export interface GenerationResult {
  /** The sampled completions, each with its `index` among the request's `n`. */
  readonly completions: readonly Completion[];
  /** Usage of this call (all completions together). */
  readonly usage: Usage;
  /** The model that answered, as the backend names it. */
  readonly model: string;
  /**
   * Samples of the call that failed while others finished (a backend that sends each sample as a request
   * of its own, each failed after its retries): `count` of the request's `n` are missing from
   * `completions`, and `usage` adds what they had used; `firstError` is the first failure. Absent when
   * none failed; a call whose every sample failed rejects instead. `solve` stops a run whose call lost
   * samples and chooses among those that finished (`stoppedBy: "samples-lost"`, with a trace note).
   */
  readonly lostSamples?: { readonly count: number; readonly firstError: unknown } | undefined;
}

/** A request to score a given continuation of a prompt (teacher forcing). */
export interface ScoreRequest {
  /** What the continuation follows; its own tokens are read but not scored. */
  readonly prompt: Prompt;
  /** The text whose tokens are scored, as if the model had written it after `prompt`. */
  readonly continuation: string;
  /** Also return this many top alternatives per position. */
  readonly topLogprobs?: number | undefined;
}

/** Log-probabilities of a given continuation under the model. */
export interface ScoreResult {
  /** Per-token log-probabilities of the continuation's tokens. */
  readonly tokens: readonly TokenLogprob[];
  /** Sum of the per-token log-probabilities. */
  readonly logprob: number;
  /** Usage of the call: prompt and continuation are read as prompt tokens, and nothing is generated. */
  readonly usage: Usage;
}
