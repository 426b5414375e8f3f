import type { CallOptions, TokenLogprob, TokenVerdict } from "../../spec/index.ts";
import type { ParsedResponse } from "./response-parser.ts";

/**
 * Receives a streamed response's pieces as they arrive: a choice's text (`text`) or what a reasoning model
 * thinks apart from it (`reasoning`, its `reasoning_content` deltas), with the choice's `index`.
 */
export type PieceRelay = (text: string, kind: "text" | "reasoning", index: number) => void;

/**
 * The relay of a call's `onText` and `onReasoning`, or `undefined` when it has neither.
 *
 * @example
 * pieceRelayOf({ onText: live.push, onReasoning: live.pushReasoning });
 */
export function pieceRelayOf(options: CallOptions | undefined): PieceRelay | undefined {
  const onText = options?.onText;
  const onReasoning = options?.onReasoning;
  if (onText === undefined && onReasoning === undefined) return undefined;
  return (text, kind, index) => (kind === "text" ? onText?.(text, index) : onReasoning?.(text, index));
}

/** One POST of a generation body. */
export interface HttpCall {
  /** Path under the base URL, e.g. `/chat/completions`. */
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether top alternatives are wanted in the parsed tokens. */
  readonly withTopLogprobs: boolean;
  readonly signal: AbortSignal | undefined;
  /** Receives every choice's text and reasoning pieces of a streamed response as they arrive; no retry after one. */
  readonly onPiece?: PieceRelay | undefined;
  /** Told as an attempt is answered with a success status, before its body is read (`CallOptions.onAccepted`). */
  readonly onAccepted?: (() => void) | undefined;
  /**
   * Watches the first choice's tokens of a streamed response as they arrive; at `stop` the stream is closed
   * and the choice ends there (finish reason `cut`). No retry once a token was watched.
   */
  readonly watch?: ((token: TokenLogprob) => TokenVerdict) | undefined;
  /**
   * Receives what the request had done when `signal`'s abort cut an attempt of it that was sent (and not
   * answered with an error status), just before it rejects: what its stream had delivered
   * (`StreamAssembler.partial`), or, when no stream was open, a response without choices or usage (what it
   * did is unknown). Attempts that failed before it are not told: a request charges them only when it
   * succeeds (`ParsedResponse.failedAttempts`).
   */
  readonly onAborted?: ((partial: ParsedResponse) => void) | undefined;
}
