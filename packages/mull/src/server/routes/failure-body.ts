import type { Usage } from "../../spec/index.ts";
import type { ApiError } from "../http/index.ts";
import { usageCounts } from "../requests/index.ts";

/**
 * The body of a failed generation request's error, as an OpenAI client receives it (whole, or as the
 * last event of a stream): OpenAI's `{ "error": … }`, and beside it, when the request was charged for
 * upstream work before it failed, what it was charged as `mull.usage` (`usageCounts`: prompt, completion
 * and total tokens and calls, a count no upstream call reported `null`), as a served request's `mull`
 * object reports its usage. An Anthropic stream's `error` event tells it too (`anthropicErrorOf`).
 *
 * @example
 * failureBody(new ApiError(400, "the request's budget ran out (tokens) …"), { promptTokens: 12, completionTokens: 18, calls: 1 });
 * // { error: { … }, mull: { usage: { prompt_tokens: 12, completion_tokens: 18, total_tokens: 30, calls: 1 } } }
 */
export function failureBody(error: ApiError, charged: Usage | undefined): Record<string, unknown> {
  return charged === undefined ? error.body() : { ...error.body(), mull: { usage: usageCounts(charged) } };
}
