import type { Strategy } from "../../spec/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { forwardedBody } from "./forwarded-body.ts";
import type { ChatRequestBody, CompletionRequestBody } from "./request-schema.ts";

/**
 * Whether a request lets the model end in function calls: it offers tools, and its `tool_choice` is not
 * `"none"` (Anthropic's `{ "type": "none" }` arrives as that too), which declines every call.
 *
 * @example
 * offersCalls({ model: "m", messages, tools, tool_choice: "none" }); // false
 */
export function offersCalls(body: ChatRequestBody | CompletionRequestBody): boolean {
  if (!("tools" in body) || body.tools === undefined) return false;
  return body.tool_choice !== "none";
}

/**
 * The forwarded fields (`forwardedBody`) of a request whose thinking budget mull keeps by budget forcing
 * while it offers tools its `tool_choice: "none"` declines: the tools go with the forced traces' calls as
 * they are (the model still reads them in its prompt), since none of those traces can end in a call. So
 * they are checked as the served model takes them (an embedded model, or one prompted with its own
 * template, refuses them), not held against the forcing strategy, which takes no tools; every other field
 * is checked against the strategy as ever.
 *
 * @throws ApiError 400 naming the field that cannot be honoured, as `forwardedBody` does.
 * @example
 * declinedToolsBody({ model: "m", messages, tools, tool_choice: "none" }, served, force);
 * // { tools, tool_choice: "none" }
 */
export function declinedToolsBody(
  body: ChatRequestBody,
  served: ServedModel,
  strategy: Strategy | undefined,
): Record<string, unknown> {
  const { tools: _tools, tool_choice: _choice, parallel_tool_calls: _parallel, ...rest } = body;
  forwardedBody(rest, served, strategy);
  return forwardedBody(body, served, undefined);
}
