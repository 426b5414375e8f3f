import { isObject } from "./response-parser.ts";

/**
 * What a streamed request asked for, and so what its stream must have delivered to be complete without
 * its `[DONE]`: a finish reason for each of its choices, and its usage when it asked for usage.
 */
export interface StreamCompletion {
  /** Choices asked for (the body's `n`, default 1): each must say its finish reason. */
  readonly choices: number;
  /** Whether the body asked for usage (`stream_options.include_usage`): it must arrive too. */
  readonly usage: boolean;
}

/**
 * What the stream of a request `body` (as sent, `extraBody` merged in) must deliver to be complete.
 *
 * @example
 * streamCompletionOf({ n: 2, stream: true, stream_options: { include_usage: true } }); // { choices: 2, usage: true }
 */
export function streamCompletionOf(body: Readonly<Record<string, unknown>>): StreamCompletion {
  const n = body.n;
  const options = body.stream_options;
  return {
    choices: typeof n === "number" && Number.isInteger(n) && n > 1 ? n : 1,
    usage: isObject(options) && options.include_usage === true,
  };
}
