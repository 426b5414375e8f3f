import type { TokenLogprob, TokenVerdict } from "../../spec/index.ts";

/** One POST of a generation body. */
export interface HttpCall {
  /** Path under the base URL, e.g. `/chat/completions`. */
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether top alternatives are wanted in the parsed tokens. */
  readonly withTopLogprobs: boolean;
  readonly signal: AbortSignal | undefined;
  /** Receives the first choice's text pieces of a streamed response as they arrive; no retry after one. */
  readonly onText?: ((text: string) => void) | undefined;
  /**
   * Watches the first choice's tokens of a streamed response as they arrive; at `stop` the stream is closed
   * and the choice ends there (finish reason `cut`). No retry once a token was watched.
   */
  readonly watch?: ((token: TokenLogprob) => TokenVerdict) | undefined;
}
