import type { FinishReason, TokenLogprob, ToolCall, TopLogprob } from "../../spec/index.ts";

/** One choice of a response, parsed. */
export interface ParsedChoice {
  /** Index the server gave the choice. */
  readonly index: number;
  readonly text: string;
  readonly finishReason: FinishReason;
  /** Per-token log-probabilities, when the server sent them. */
  readonly tokens: readonly TokenLogprob[] | undefined;
  /** The function calls of a chat message (`message.tool_calls`), when it had any. */
  readonly toolCalls?: readonly ToolCall[] | undefined;
  /** A reasoning model's `reasoning_content` (or `reasoning`), sent apart from the text. */
  readonly reasoning?: string | undefined;
  /** The stop string that ended the choice, when the server said which (`stopSequenceOf`). */
  readonly stopSequence?: string | undefined;
  /**
   * Tokens it had generated, where its response's usage cannot tell them apart: set on the choices of a
   * stream cut by an abort (`StreamAssembler.partial`), and on those of a stream whose choices reported
   * their usages one by one (llama.cpp's server with `n > 1`).
   */
  readonly completionTokens?: number | undefined;
}

/**
 * The stop string that ended a choice, where servers say it: vLLM's `stop_reason` (the matched string; a
 * number there is a stop token's id, not a string of the request), or llama.cpp's `stop_type: "word"` with
 * `stopping_word` (its `/completion` answer, and the `__verbose` object its OpenAI endpoints add when the
 * server runs verbose; otherwise they do not say). `undefined` when none says.
 */
export function stopSequenceOf(
  choice: Readonly<Record<string, unknown>>,
  payload?: Readonly<Record<string, unknown>>,
): string | undefined {
  if (typeof choice.stop_reason === "string" && choice.stop_reason !== "") return choice.stop_reason;
  for (const holder of [choice, payload, payload?.__verbose]) {
    if (isObject(holder) && holder.stop_type === "word" && typeof holder.stopping_word === "string") {
      return holder.stopping_word === "" ? undefined : holder.stopping_word;
    }
  }
  return undefined;
}

/**
 * The reasoning text of a chat message or delta: `reasoning_content` (vLLM, DeepSeek, llama.cpp's server)
 * or `reasoning` (newer vLLM, OpenRouter); `undefined` when it has neither.
 */
export function reasoningOf(message: Readonly<Record<string, unknown>>): string | undefined {
  const value = message.reasoning_content ?? message.reasoning;
  return typeof value === "string" ? value : undefined;
}

/** Token counts a server reported; each is `undefined` when it was not reported. */
export interface ReportedUsage {
  readonly promptTokens: number | undefined;
  readonly completionTokens: number | undefined;
  readonly cachedPromptTokens: number | undefined;
  /** `completion_tokens_details.reasoning_tokens`, when reported. */
  readonly reasoningTokens?: number | undefined;
}

/** One response (whole, or assembled from a stream), parsed. */
export interface ParsedResponse {
  /** Choices in index order. */
  readonly choices: readonly ParsedChoice[];
  /** `undefined` when the server reported no usage at all. */
  readonly usage: ReportedUsage | undefined;
  readonly model: string | undefined;
  /** Whether any choice carried log-probabilities. */
  readonly sawLogprobs: boolean;
  /** Whether any token carried top alternatives. */
  readonly sawTopLogprobs: boolean;
  /**
   * What the attempts of the same request that failed part-way before this response had done, in order:
   * the usage of each whose stream had delivered something (`StreamAssembler.partial`), a prompt count
   * `undefined` where no usage chunk told it. Kept apart from `usage`, which is this response's own;
   * charged with it by `generationResult`. Absent when no attempt failed so.
   */
  readonly failedAttempts?: readonly ReportedUsage[] | undefined;
}

/** The response did not have the shape of an OpenAI response. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedResponseError";
  }
}

/** The server reported an error inside a stream (vLLM and others send `data: {"error": …}`). */
export class StreamErrorEvent extends Error {
  /** The status the error names, when it names one. */
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined) {
    super(message);
    this.name = "StreamErrorEvent";
    this.status = status;
  }
}

type Json = Record<string, unknown>;

/** Whether a parsed JSON value is an object (not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Maps the many spellings of a finish reason onto mull's four. */
export function finishReasonOf(value: unknown): FinishReason {
  switch (value) {
    case "stop":
    case "tool_calls":
    case "function_call":
    case "eos":
    case "eos_token":
    case "stop_sequence":
    case "end_turn":
      return "stop";
    case "length":
    case "max_tokens":
    case "model_length":
      return "length";
    case "abort":
    case "cancelled":
      return "abort";
    default:
      return "unknown";
  }
}

/**
 * The function calls of a chat message's `tool_calls` (entries without a function name are skipped;
 * arguments given as an object, as some servers do, become their JSON text). A call without an id, or with
 * an empty one, gets `call_<position>`, as a streamed call does (`StreamAssembler`): a client sends the id
 * back with the call's result, and an empty one would be refused. `undefined` when none.
 */
export function toolCallsOf(value: unknown): ToolCall[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const calls = value.flatMap((entry, position): ToolCall[] => {
    if (!isObject(entry) || !isObject(entry.function) || typeof entry.function.name !== "string") return [];
    const given = entry.function.arguments;
    return [
      {
        id: typeof entry.id === "string" && entry.id !== "" ? entry.id : `call_${position}`,
        name: entry.function.name,
        arguments: typeof given === "string" ? given : JSON.stringify(given ?? {}),
      },
    ];
  });
  return calls.length === 0 ? undefined : calls;
}

/** Usage from a response's `usage` object; `undefined` when absent. */
export function usageOf(value: unknown): ReportedUsage | undefined {
  if (!isObject(value)) return undefined;
  const details = value.prompt_tokens_details;
  const completionDetails = value.completion_tokens_details;
  const reasoningTokens = isObject(completionDetails) ? count(completionDetails.reasoning_tokens) : undefined;
  return {
    promptTokens: count(value.prompt_tokens),
    completionTokens: count(value.completion_tokens),
    cachedPromptTokens: isObject(details) ? count(details.cached_tokens) : undefined,
    ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
  };
}

/** A token id as servers send it: an integer ≥ 0; `undefined` for anything else. */
function tokenId(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

/**
 * Top alternatives in either shape: a list of `{ token, logprob }` (chat, and llama.cpp on completions,
 * whose entries also carry the token `id`, kept when it is an integer ≥ 0) or completions' `{ token:
 * logprob }` map (no ids). Most likely first; `undefined` for anything else.
 */
function topAlternatives(value: unknown): TopLogprob[] | undefined {
  if (Array.isArray(value)) {
    const list = value.flatMap((entry): TopLogprob[] => {
      if (!isObject(entry) || typeof entry.token !== "string" || typeof entry.logprob !== "number") return [];
      const id = tokenId(entry.id);
      return [{ token: entry.token, logprob: entry.logprob, ...(id === undefined ? {} : { id }) }];
    });
    return list.sort((a, b) => b.logprob - a.logprob);
  }
  if (isObject(value)) {
    const list = Object.entries(value).flatMap(([token, logprob]) =>
      typeof logprob === "number" ? [{ token, logprob }] : [],
    );
    return list.sort((a, b) => b.logprob - a.logprob);
  }
  return undefined;
}

/**
 * Token log-probabilities from a choice's `logprobs`, in either shape: chat's `{ content: [{ token, logprob,
 * top_logprobs }] }` (which llama.cpp also sends on completions, each alternative with its token `id`, kept
 * as `TopLogprob.id`) or completions' `{ tokens, token_logprobs, top_logprobs }`. `undefined` when absent.
 * Top alternatives are kept only when `withTop`.
 */
export function tokenLogprobsOf(value: unknown, withTop: boolean): TokenLogprob[] | undefined {
  if (!isObject(value)) return undefined;
  if (Array.isArray(value.content)) {
    return value.content.flatMap((entry): TokenLogprob[] => {
      if (!isObject(entry) || typeof entry.token !== "string" || typeof entry.logprob !== "number") return [];
      const top = withTop ? topAlternatives(entry.top_logprobs) : undefined;
      const token = { token: entry.token, logprob: entry.logprob };
      return [top === undefined ? token : { ...token, topLogprobs: top }];
    });
  }
  if (Array.isArray(value.tokens) && Array.isArray(value.token_logprobs)) {
    const tops: unknown[] = Array.isArray(value.top_logprobs) ? value.top_logprobs : [];
    const logprobs: unknown[] = value.token_logprobs;
    return value.tokens.flatMap((token: unknown, position): TokenLogprob[] => {
      const logprob = logprobs[position];
      if (typeof token !== "string" || typeof logprob !== "number") return [];
      const top = withTop ? topAlternatives(tops[position]) : undefined;
      return [top === undefined ? { token, logprob } : { token, logprob, topLogprobs: top }];
    });
  }
  if (value.content === null) return [];
  return undefined;
}

/** The error a payload carries (`{"error": …}` or `object: "error"`), if any. */
export function errorOf(payload: Json): StreamErrorEvent | undefined {
  const error = payload.error;
  if (isObject(error)) {
    const message = typeof error.message === "string" ? error.message : JSON.stringify(error);
    const code = typeof error.code === "number" ? error.code : undefined;
    return new StreamErrorEvent(message, code);
  }
  if (typeof error === "string") return new StreamErrorEvent(error, undefined);
  if (payload.object === "error") {
    const message = typeof payload.message === "string" ? payload.message : JSON.stringify(payload);
    return new StreamErrorEvent(message, typeof payload.code === "number" ? payload.code : undefined);
  }
  return undefined;
}

/**
 * A response's usage with its completion count raised to the tokens its choices hold, when every choice
 * holds its tokens: llama.cpp's server answers `n > 1` with the usage of its first choice alone.
 */
function atLeastChoiceTokens(
  usage: ReportedUsage | undefined,
  choices: readonly ParsedChoice[],
): ReportedUsage | undefined {
  if (usage === undefined || choices.length < 2) return usage;
  let counted = 0;
  for (const choice of choices) {
    if (choice.tokens === undefined) return usage;
    counted += choice.tokens.length;
  }
  const reported = usage.completionTokens;
  return reported !== undefined && reported >= counted ? usage : { ...usage, completionTokens: counted };
}

/** Parses a whole (non-streamed) chat or completions response. */
export function parseWholeResponse(payload: unknown, withTop: boolean): ParsedResponse {
  if (!isObject(payload)) throw new MalformedResponseError("the response body is not a JSON object");
  const error = errorOf(payload);
  if (error !== undefined && !Array.isArray(payload.choices)) throw error;
  if (!Array.isArray(payload.choices)) throw new MalformedResponseError("the response has no choices array");
  let sawLogprobs = false;
  let sawTopLogprobs = false;
  const choices = payload.choices.map((choice, position): ParsedChoice => {
    if (!isObject(choice)) throw new MalformedResponseError(`choices[${position}] is not an object`);
    const message = choice.message;
    const text = isObject(message) ? message.content : choice.text;
    if (text !== undefined && text !== null && typeof text !== "string") {
      throw new MalformedResponseError(`choices[${position}] has a text that is not a string`);
    }
    const tokens = tokenLogprobsOf(choice.logprobs, withTop);
    if (tokens !== undefined) sawLogprobs = true;
    if (tokens?.some((token) => token.topLogprobs !== undefined && token.topLogprobs.length > 0)) {
      sawTopLogprobs = true;
    }
    const toolCalls = isObject(message) ? toolCallsOf(message.tool_calls) : undefined;
    const reasoning = isObject(message) ? reasoningOf(message) : undefined;
    const finishReason = finishReasonOf(choice.finish_reason);
    const stopSequence = finishReason === "stop" ? stopSequenceOf(choice, payload) : undefined;
    return {
      index: typeof choice.index === "number" ? choice.index : position,
      text: text ?? "",
      finishReason,
      tokens,
      ...(toolCalls === undefined ? {} : { toolCalls }),
      ...(reasoning === undefined || reasoning === "" ? {} : { reasoning }),
      ...(stopSequence === undefined ? {} : { stopSequence }),
    };
  });
  choices.sort((a, b) => a.index - b.index);
  return {
    choices,
    usage: atLeastChoiceTokens(usageOf(payload.usage), choices),
    model: typeof payload.model === "string" ? payload.model : undefined,
    sawLogprobs,
    sawTopLogprobs,
  };
}
