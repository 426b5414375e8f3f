import { describeValue } from "../../runtime/index.ts";
import type { Strategy } from "../../spec/index.ts";
import { findStrategyEntry, type StrategyEntry, strategyCatalog } from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { type ChatRequestBody, type CompletionRequestBody, forwardedFields } from "./request-schema.ts";
import { shownKey } from "./shown-key.ts";

/**
 * The fields of a request that mull does not model but forwards to the upstream as they are, for the
 * request's `extraBody`: the named ones (`tools`, `tool_choice`, `parallel_tool_calls`, `response_format`,
 * `logit_bias`, `user`, `top_k`, `min_p`, `repetition_penalty`, `chat_template_kwargs`), checked by the
 * schema, and every unknown top-level field (`body.unknownFields`: `reasoning_effort`, `guided_json`,
 * `grammar`, `min_tokens`, …) as the client sent it, which the upstream may understand. A null is read as
 * absent. Under a strategy they go on every sample call, except the unknown fields that mull writes itself
 * on those calls or that change what a sample is (`messages`, `prompt`, `continue_final_message`,
 * `add_generation_prompt`, `echo`, `best_of`). They are refused, never
 * dropped, where they could not be honoured: by a model that is not behind an OpenAI-compatible upstream
 * (an embedded model has no such fields; it takes only `top_k` 0 or -1 and `min_p` 0, which ask for the
 * untruncated sampling it does anyway, and drops them), `tools` by a model prompted with its own template (the lab's
 * `Q: … A:`), and `tools` under a strategy whose catalog entry does not choose among whole samples
 * (`StrategyEntry.choosesWholeSamples`): a step-level search, a router, an architecture, or a strategy that
 * writes its answers by continuing traces with cues (`force@T`, `probe@NkK`) has no whole samples that
 * could end in function calls to vote over.
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
  const given = body as unknown as Readonly<Record<string, unknown>>;
  const forwarded: Record<string, unknown> = {};
  for (const field of forwardedFields) {
    const value = given[field];
    if (value === undefined || value === null) continue;
    if (served.kind !== "openai-compatible") {
      const refusal = refusalInServer(field, value, served);
      if (refusal === undefined) continue;
      throw refusal;
    }
    forwarded[field] = value;
  }
  for (const [field, value] of Object.entries(body.unknownFields ?? {})) {
    if (value === null) continue;
    // A client may paste an API key as a field name: one over 16 characters is described, not repeated.
    const named = shownKey(field, "an unknown key");
    if (served.kind !== "openai-compatible") {
      throw new ApiError(
        400,
        `${named} is not a field this server models: such fields are passed as they are to OpenAI-compatible upstreams only, and model ${served.name} runs in this server`,
        { param: named, code: "unsupported_parameter" },
      );
    }
    const conflict = strategy === undefined ? undefined : perSampleConflicts.get(field);
    if (conflict !== undefined && strategy !== undefined) {
      throw new ApiError(
        400,
        `${named} cannot be sent on the sample calls of strategy ${strategy.name}: ${conflict}; send it without a strategy`,
        { param: named, code: "unsupported_parameter" },
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
  if (strategy !== undefined) refuseToolsUnder(strategy);
  return forwarded;
}

/**
 * The values of the truncating sampling fields that turn truncation off (`top_k` 0 or -1, `min_p` 0). An
 * embedded model samples without truncation (the server sends it no `topK` or `minP`), so it honours them by
 * doing nothing, and clients that send them to switch off an upstream's hidden truncation defaults (mull's
 * own OpenAI-compatible backend does) are served; any other value would truncate, and is refused.
 */
const untruncatedValues: ReadonlyMap<string, readonly unknown[]> = new Map([
  ["top_k", [0, -1]],
  ["min_p", [0]],
]);

/**
 * What a model that runs in this server does with a forwarded field: nothing (`undefined`) where it
 * honours the value as it samples anyway (an embedded model and a value that turns truncation off), else
 * the refusal, which says what an embedded model would take.
 */
function refusalInServer(field: string, value: unknown, served: ServedModel): ApiError | undefined {
  const neutral = served.kind === "embedded" ? untruncatedValues.get(field) : undefined;
  if (neutral?.includes(value) === true) return undefined;
  const accepted =
    neutral === undefined
      ? ""
      : ` (got ${describeValue(value)}; it samples without truncation and takes only the values that turn truncation off: ${neutral.join(" or ")})`;
  return new ApiError(
    400,
    `${field} is passed to OpenAI-compatible upstreams only; model ${served.name} runs in this server and cannot honour it${accepted}`,
    { param: field, code: "unsupported_parameter" },
  );
}

/**
 * Unknown fields a strategy's sample calls cannot carry, and why: mull writes them itself on those calls,
 * or they change what a sample is. Every other unknown field goes on each sample call as it is.
 */
const perSampleConflicts: ReadonlyMap<string, string> = new Map([
  ["messages", "mull writes each sample call's prompt itself"],
  ["prompt", "mull writes each sample call's prompt itself"],
  ["continue_final_message", "mull sets it itself on the calls that continue a trace"],
  ["add_generation_prompt", "mull sets it itself on the calls that continue a trace"],
  ["echo", "it would put the prompt into every sample's text, which the strategy reads its answer from"],
  ["best_of", "the upstream would draw samples that the strategy neither counts nor votes over"],
]);

/** The canonical forms of the strategies `tools` may be offered under, for the refusal's message. */
const toolStrategies = strategyCatalog
  .filter((entry) => entry.choosesWholeSamples === true)
  .map((entry) => entry.forms[0])
  .join(", ");

/** Why a catalog entry's strategy cannot vote over function calls, by what it does. */
function whyNoToolCalls(entry: StrategyEntry): string {
  switch (entry.kind) {
    case "search":
      return "it is a step-level search, which builds its answer from scored partial solutions, and a function call is not a step it can score";
    case "routing":
      return "it is a router, which hands the problem between models by their text answers and does not vote over function calls";
    case "composition":
      return "it is an architecture, whose layers rank, fuse or rewrite answers rather than returning a whole sample";
    case "sampling":
      return entry.needs.includes("prefix")
        ? "it writes its answers by continuing the model's traces with cues appended, and such a trace cannot end in function calls"
        : "it does not choose among whole samples";
  }
}

/**
 * Refuses `tools` under a strategy whose catalog entry does not choose among whole samples.
 *
 * @throws ApiError 400 on `tools` naming the strategy and why it cannot vote over function calls.
 */
function refuseToolsUnder(strategy: Strategy): void {
  const entry = findStrategyEntry(strategy.name)?.entry;
  if (entry?.choosesWholeSamples === true) return;
  const why = entry === undefined ? "it is not in the strategy catalog" : whyNoToolCalls(entry);
  throw new ApiError(
    400,
    `strategy ${strategy.name} cannot vote over tool calls: ${why}; tools need a strategy that chooses among whole samples (${toolStrategies})`,
    { param: "tools", code: "unsupported_parameter" },
  );
}
