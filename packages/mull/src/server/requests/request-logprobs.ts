import type { Strategy } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { EndpointKind } from "./request-plan.ts";
import type { ChatRequestBody, CompletionRequestBody } from "./request-schema.ts";

/**
 * The log-probabilities a request asks for: chat's `logprobs` / `top_logprobs`, or a completion's
 * `logprobs: K` (top K beside each token when K > 0).
 *
 * @throws ApiError 400 for `top_logprobs` without `logprobs`, or log-probabilities with a strategy.
 */
export function requestLogprobs(
  endpoint: EndpointKind,
  body: ChatRequestBody | CompletionRequestBody,
  strategy: Strategy | undefined,
): { logprobs: boolean; topLogprobs: number | undefined } {
  let logprobs = false;
  let topLogprobs: number | undefined;
  if (endpoint === "chat") {
    const chat = body as ChatRequestBody;
    logprobs = chat.logprobs === true;
    topLogprobs = chat.top_logprobs ?? undefined;
    if (topLogprobs !== undefined && !logprobs) {
      throw new ApiError(400, "top_logprobs needs logprobs: true", {
        param: "top_logprobs",
        code: "invalid_value",
      });
    }
  } else {
    const given = (body as CompletionRequestBody).logprobs ?? undefined;
    if (given !== undefined) {
      logprobs = true;
      topLogprobs = given > 0 ? given : undefined;
    }
  }
  if (logprobs && strategy !== undefined) {
    throw new ApiError(400, "logprobs are returned only for requests without a strategy", {
      param: "logprobs",
      code: "invalid_value",
    });
  }
  return { logprobs, topLogprobs };
}
