import type { Strategy } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { type ChatRequestBody, type CompletionRequestBody, forwardedFields } from "./request-schema.ts";

/**
 * The fields of a request that mull does not model but forwards to the upstream as they are (`tools`,
 * `tool_choice`, `parallel_tool_calls`, `response_format`, `logit_bias`, `user`, `top_k`, `min_p`,
 * `repetition_penalty`, `chat_template_kwargs`), for the request's `extraBody`. They are refused, never
 * dropped, where they could not be honoured: by a model that is not behind an OpenAI-compatible upstream
 * (an embedded model has no such fields), `tools` by a model prompted with its own template (the lab's
 * `Q: … A:`), and `tools` under a strategy that neither votes over whole samples nor draws a single one (a
 * step-level search or a router cannot vote over function calls).
 *
 * @throws ApiError 400 naming the field that cannot be honoured.
 * @example
 * forwardedBody({ model: "qwen", messages, tools }, served, undefined); // { tools: [...] }
 */
export function forwardedBody(
  body: ChatRequestBody | CompletionRequestBody,
  served: ServedModel,
  strategy: Strategy | undefined,
): Record<string, unknown> {
  const given = body as Readonly<Record<string, unknown>>;
  const forwarded: Record<string, unknown> = {};
  for (const field of forwardedFields) {
    const value = given[field];
    if (value === undefined || value === null) continue;
    if (served.kind !== "openai-compatible") {
      throw new ApiError(
        400,
        `${field} is passed to OpenAI-compatible upstreams only; model ${served.name} runs in this server and cannot honour it`,
        { param: field, code: "unsupported_parameter" },
      );
    }
    forwarded[field] = value;
  }
  if (forwarded.tools === undefined) return forwarded;
  if (served.profile.promptTemplate !== undefined) {
    throw new ApiError(
      400,
      `tools cannot be offered to model ${served.name}: it is prompted with its own template from the last user message`,
      { param: "tools", code: "unsupported_parameter" },
    );
  }
  // A sampling strategy votes over whole samples; a single sample (greedy) has nothing to vote over.
  if (strategy !== undefined && !("select" in strategy) && strategy.samples !== 1) {
    throw new ApiError(
      400,
      `tools need a strategy that votes over whole samples (sc@N, wv@N, bon@N, …); strategy ${strategy.name} cannot vote over tool calls`,
      { param: "tools", code: "unsupported_parameter" },
    );
  }
  return forwarded;
}
