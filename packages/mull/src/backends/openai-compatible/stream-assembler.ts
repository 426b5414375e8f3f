import type { FinishReason, TokenLogprob, TokenVerdict, ToolCall } from "../../spec/index.ts";
import type { PieceRelay } from "./http-call.ts";
import {
  errorOf,
  finishReasonOf,
  isObject,
  MalformedResponseError,
  type ParsedChoice,
  type ParsedResponse,
  type ReportedUsage,
  reasoningOf,
  stopSequenceOf,
  tokenLogprobsOf,
  usageOf,
} from "./response-parser.ts";
import type { StreamCompletion } from "./stream-completion.ts";
import { StreamUsages } from "./stream-usages.ts";

interface CallState {
  id: string | undefined;
  name: string;
  readonly argumentParts: string[];
}

interface ChoiceState {
  readonly parts: string[];
  /** Pieces of `delta.reasoning_content`, kept apart from the text. */
  readonly reasoningParts: string[];
  finishReason: FinishReason;
  /** Whether its final chunk came: it said a finish reason (one unknown to mull too). */
  finished: boolean;
  /** The stop string that ended it, when its final chunk said. */
  stopSequence: string | undefined;
  tokens: TokenLogprob[] | undefined;
  /** Function calls by their stream index, assembled from `delta.tool_calls` pieces. */
  readonly calls: Map<number, CallState>;
  /** Chunks that brought it a piece of text, reasoning or a function call. */
  pieces: number;
}

/** Adds one chunk's `delta.tool_calls` pieces: the first piece of a call names it, later ones extend its arguments. */
function addCallPieces(calls: Map<number, CallState>, pieces: unknown): void {
  if (!Array.isArray(pieces)) return;
  for (const [position, piece] of pieces.entries()) {
    if (!isObject(piece)) continue;
    const index = typeof piece.index === "number" ? piece.index : position;
    let call = calls.get(index);
    if (call === undefined) {
      call = { id: undefined, name: "", argumentParts: [] };
      calls.set(index, call);
    }
    if (typeof piece.id === "string" && piece.id !== "") call.id = piece.id;
    const fn = piece.function;
    if (!isObject(fn)) continue;
    if (typeof fn.name === "string") call.name += fn.name;
    if (typeof fn.arguments === "string") call.argumentParts.push(fn.arguments);
    else if (isObject(fn.arguments)) call.argumentParts.push(JSON.stringify(fn.arguments));
  }
}

/** The calls of a choice, in stream order; `undefined` when it streamed none. */
function assembledCalls(calls: ReadonlyMap<number, CallState>): ToolCall[] | undefined {
  const list = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([index, call]): ToolCall[] =>
      call.name === ""
        ? []
        : [{ id: call.id ?? `call_${index}`, name: call.name, arguments: call.argumentParts.join("") }],
    );
  return list.length === 0 ? undefined : list;
}

/**
 * Assembles streamed chunks (`chat.completion.chunk` deltas or completions text pieces, for any number of
 * choices) into a response. Feed every `data:` payload except `[DONE]`, then call `result()` (or
 * `partial()`, for what a stream cut by an abort had delivered).
 *
 * With a watcher, choice 0's tokens that have text are handed to it as they arrive; at its `stop` the choice ends after
 * that token (finish reason `cut`, its text and tokens up to there), `cut` turns true, later chunks are
 * ignored, and the result's usage counts the tokens received up to the cut (the reader should then stop
 * reading and close the stream, so that the server stops generating).
 *
 * Usage: a chunk without choices holds the request's usage (OpenAI, vLLM) and wins. Several such chunks
 * are one per choice (llama.cpp's chat endpoint sends one after each choice's final chunk), and are added
 * up. Without any, the usages that single choices' final chunks carried (llama.cpp's completions
 * endpoint, one per choice) are added up when more than one choice reported; otherwise the last usage seen
 * counts. Where the choices reported their usages one by one, each choice's `completionTokens` says its own.
 */
export class StreamAssembler {
  private readonly choices = new Map<number, ChoiceState>();
  private readonly usages = new StreamUsages();
  private model: string | undefined;
  private sawTopLogprobs = false;
  private readonly withTop: boolean;
  private readonly onPiece: PieceRelay | undefined;
  private readonly watch: ((token: TokenLogprob) => TokenVerdict) | undefined;
  /** Chunks fed so far. */
  chunks = 0;
  /** Whether the watcher has cut choice 0: nothing more is needed from the stream. */
  cut = false;

  /** `onPiece` receives every choice's text and reasoning pieces as they are added; `watch` choice 0's tokens. */
  constructor(withTop: boolean, onPiece?: PieceRelay, watch?: (token: TokenLogprob) => TokenVerdict) {
    this.withTop = withTop;
    this.onPiece = onPiece;
    this.watch = watch;
  }

  /** Adds one parsed `data:` payload; throws a `StreamErrorEvent` for an error event. */
  add(payload: unknown): void {
    if (this.cut) return;
    if (!isObject(payload)) throw new MalformedResponseError("a stream chunk is not a JSON object");
    const error = errorOf(payload);
    if (error !== undefined) throw error;
    this.chunks += 1;
    if (typeof payload.model === "string") this.model = payload.model;
    const usage = usageOf(payload.usage);
    this.usages.note(usage);
    const choices = payload.choices;
    if (choices === undefined || choices === null || (Array.isArray(choices) && choices.length === 0)) {
      this.usages.addWithoutChoices(usage);
      return;
    }
    if (!Array.isArray(choices)) throw new MalformedResponseError("a stream chunk has no choices array");
    const only = choices.length === 1 && isObject(choices[0]) ? choices[0] : undefined;
    const finishing =
      only !== undefined && only.finish_reason !== undefined && only.finish_reason !== null
        ? typeof only.index === "number"
          ? only.index
          : 0
        : undefined;
    this.usages.addWithChoices(usage, finishing);
    for (const [position, choice] of choices.entries()) {
      if (!isObject(choice))
        throw new MalformedResponseError(`a stream chunk's choices[${position}] is not an object`);
      const index = typeof choice.index === "number" ? choice.index : position;
      let state = this.choices.get(index);
      if (state === undefined) {
        state = {
          parts: [],
          reasoningParts: [],
          finishReason: "unknown",
          finished: false,
          stopSequence: undefined,
          tokens: undefined,
          calls: new Map(),
          pieces: 0,
        };
        this.choices.set(index, state);
      }
      const delta = choice.delta;
      let piece = isObject(delta) ? delta.content : choice.text;
      let delivered = false;
      if (isObject(delta)) {
        addCallPieces(state.calls, delta.tool_calls);
        delivered = Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0;
        const reasoning = reasoningOf(delta);
        if (reasoning !== undefined) {
          state.reasoningParts.push(reasoning);
          delivered ||= reasoning !== "";
          if (reasoning !== "") this.onPiece?.(reasoning, "reasoning", index);
        }
      }
      let tokens = tokenLogprobsOf(choice.logprobs, this.withTop);
      if (index === 0 && this.watch !== undefined && tokens !== undefined) {
        const watch = this.watch;
        // A token without text is not shown: llama.cpp's server streams the end-of-generation token so,
        // which the embedded backend's watchers never see either (`splitEndToken`).
        const stop = tokens.findIndex((token) => token.token !== "" && watch(token) === "stop");
        if (stop >= 0) {
          this.cut = true;
          state.finishReason = "cut";
          // A chunk of several tokens cut before its last keeps the text of the tokens it keeps.
          if (stop < tokens.length - 1) {
            tokens = tokens.slice(0, stop + 1);
            piece = tokens.map((token) => token.token).join("");
          }
        }
      }
      if (typeof piece === "string") {
        state.parts.push(piece);
        delivered ||= piece !== "";
        this.onPiece?.(piece, "text", index);
      }
      if (delivered) state.pieces += 1;
      if (tokens !== undefined) {
        state.tokens = [...(state.tokens ?? []), ...tokens];
        if (tokens.some((token) => token.topLogprobs !== undefined && token.topLogprobs.length > 0)) {
          this.sawTopLogprobs = true;
        }
      }
      if (choice.finish_reason !== undefined && choice.finish_reason !== null && !this.cut) {
        state.finished = true;
        state.finishReason = finishReasonOf(choice.finish_reason);
        state.stopSequence = state.finishReason === "stop" ? stopSequenceOf(choice, payload) : undefined;
      }
      if (this.cut) return;
    }
  }

  /**
   * What the stream still owes a request that asked for `expected`, or `undefined` once it delivered it
   * all (nothing but `[DONE]` can follow then): each of the `expected.choices` choices' final chunk, and,
   * when usage was asked for, the usage, in a chunk of its own (OpenAI, vLLM) or on every choice's final
   * chunk (llama.cpp's server). The request's usage chunk is the last a server sends, so once it came, a
   * stream whose choices have all finished owes nothing either, though it has fewer than asked for (a
   * server that ignores `n`; the caller sees the shortfall). A stream the watcher cut owes nothing more: it
   * was ended on purpose.
   */
  missing(expected: StreamCompletion): string | undefined {
    if (this.cut) return undefined;
    if (
      this.usages.requestReported &&
      this.choices.size > 0 &&
      [...this.choices.values()].every((state) => state.finished)
    ) {
      return undefined;
    }
    const unfinished: number[] = [];
    for (let index = 0; index < expected.choices; index += 1) {
      if (this.choices.get(index)?.finished !== true) unfinished.push(index);
    }
    if (unfinished.length > 0) {
      return unfinished.length === 1
        ? `choice ${unfinished[0]} had no finish reason`
        : `choices ${unfinished.join(", ")} had no finish reason`;
    }
    if (!expected.usage) return undefined;
    return this.usages.owed(expected.choices) ? "the usage asked for had not come" : undefined;
  }

  /** The response assembled so far. */
  result(): ParsedResponse {
    return this.assembled(false);
  }

  /**
   * What the stream had delivered when an abort cut it: the choices that had finished as they ended, the
   * others with finish reason `abort` and their text (and tokens) up to there, each with the tokens it had
   * generated by then (`ParsedChoice.completionTokens`); usage as `receivedUsage` counts it.
   */
  partial(): ParsedResponse {
    return this.assembled(true);
  }

  /**
   * The tokens a choice had generated when its stream ended early: counted from its log-probabilities, else
   * as its own usage said (on its final chunk, or in the chunk right after it), else its pieces received (llama.cpp's server and vLLM stream one
   * token per piece, so it is a count of pieces where a server sends several tokens in one).
   */
  private receivedTokens(index: number, state: ChoiceState): number {
    return state.tokens?.length ?? this.usages.ofChoice(index)?.completionTokens ?? state.pieces;
  }

  /**
   * The usage of a stream that ended before the server's usage (cut by a watcher or an abort, or broken):
   * each choice's received tokens added up (`receivedTokens`), or the request's usage if more, with the
   * prompt as a usage chunk said (`StreamUsages.received`).
   */
  private receivedUsage(): ReportedUsage {
    let received = 0;
    for (const [index, state] of this.choices) received += this.receivedTokens(index, state);
    return this.usages.received(received);
  }

  private assembled(aborted: boolean): ParsedResponse {
    const own = this.usages.own();
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]): ParsedChoice => {
        const reported = own.size > 1 ? own.get(index)?.completionTokens : undefined;
        const toolCalls = assembledCalls(state.calls);
        const reasoning = state.reasoningParts.join("");
        return {
          index,
          text: state.parts.join(""),
          // In a stream, a choice that has not finished has said no finish reason yet.
          finishReason: aborted && state.finishReason === "unknown" ? "abort" : state.finishReason,
          tokens: state.tokens,
          ...(toolCalls === undefined ? {} : { toolCalls }),
          ...(reasoning === "" ? {} : { reasoning }),
          ...(state.stopSequence === undefined ? {} : { stopSequence: state.stopSequence }),
          ...(aborted
            ? { completionTokens: this.receivedTokens(index, state) }
            : reported === undefined
              ? {}
              : { completionTokens: reported }),
        };
      });
    return {
      choices,
      // A stream that ended early ends before the server's usage: count what was received.
      usage: this.cut || aborted ? this.receivedUsage() : this.usages.total(),
      model: this.model,
      sawLogprobs: choices.some((choice) => choice.tokens !== undefined),
      sawTopLogprobs: this.sawTopLogprobs,
    };
  }
}
