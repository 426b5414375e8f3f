import type { Usage } from "../../spec/index.ts";
import type { OutcomeChoice, RequestOutcome, RequestPlan } from "../requests/index.ts";
import { mullBody } from "../requests/index.ts";

type JsonObject = Record<string, unknown>;

/** Anthropic's reason a message ended. */
export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";

/** One content block of a message: `thinking`, `text` or `tool_use`. */
export type ContentBlock =
  | { readonly type: "thinking"; readonly thinking: string; readonly signature: string }
  | { readonly type: "text"; readonly text: string }
  | {
      readonly type: "tool_use";
      readonly id: string;
      readonly name: string;
      readonly input: Readonly<Record<string, unknown>>;
    };

/** A call's arguments as an object: models write the JSON, and what is not an object is kept under `arguments`. */
function inputOf(text: string): Readonly<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {}
  return { arguments: text };
}

/**
 * The content blocks of a choice, in Anthropic's order: its thinking (when mull forced the answer at a
 * reasoning budget), its text (left out when the choice is only calls), then one `tool_use` block per call.
 *
 * @example
 * contentBlocks({ text: "4", finishReason: "stop" }); // [{ type: "text", text: "4" }]
 */
export function contentBlocks(choice: OutcomeChoice | undefined): ContentBlock[] {
  if (choice === undefined) return [{ type: "text", text: "" }];
  const blocks: ContentBlock[] = [];
  if (choice.reasoning !== undefined)
    blocks.push({ type: "thinking", thinking: choice.reasoning, signature: "" });
  const calls = choice.toolCalls ?? [];
  if (choice.text !== "" || calls.length === 0) blocks.push({ type: "text", text: choice.text });
  for (const call of calls) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: inputOf(call.arguments) });
  }
  return blocks;
}

/**
 * Anthropic's stop reason of a choice: calls end in `tool_use`, a cut at `max_tokens` in `max_tokens`, a
 * stop string the upstream named (`OutcomeChoice.stopSequence`) in `stop_sequence`, anything else in
 * `end_turn` (also a stop string the upstream did not name: llama.cpp's OpenAI endpoints do not say).
 */
export function stopReasonOf(choice: OutcomeChoice | undefined): StopReason {
  if (choice?.finishReason === "tool_calls") return "tool_use";
  if (choice?.finishReason === "length") return "max_tokens";
  if (choice?.stopSequence !== undefined) return "stop_sequence";
  return "end_turn";
}

/** The `stop_sequence` of a message: the stop string that ended it, when it ended at one; else `null`. */
export function stopSequenceOf(choice: OutcomeChoice | undefined): string | null {
  return stopReasonOf(choice) === "stop_sequence" ? (choice?.stopSequence ?? null) : null;
}

/**
 * Anthropic's usage of a message (`messageUsage`: every sample's) or of what a failed request was charged
 * (its stream's `error` event): `input_tokens` and `output_tokens` (thinking included, as Anthropic
 * counts thinking in its output), unknown counts as 0 (the shape has no null). Prompt-cache hits are
 * `cache_read_input_tokens` and, as Anthropic counts them, left out of `input_tokens`: its three input
 * counts are disjoint (total input = `input_tokens` + `cache_creation_input_tokens` +
 * `cache_read_input_tokens`), whereas OpenAI's `prompt_tokens` holds its `cached_tokens`. A cache read
 * reported above the prompt leaves `input_tokens` at 0.
 *
 * @example
 * anthropicUsage({ promptTokens: 17, completionTokens: 5, cachedPromptTokens: 16, calls: 1 });
 * // { input_tokens: 1, output_tokens: 5, cache_read_input_tokens: 16 }
 */
export function anthropicUsage(usage: Usage): JsonObject {
  const promptTokens = usage.promptTokens ?? 0;
  const cached = usage.cachedPromptTokens;
  return {
    input_tokens: cached === undefined ? promptTokens : Math.max(0, promptTokens - cached),
    output_tokens: usage.completionTokens ?? 0,
    ...(cached === undefined ? {} : { cache_read_input_tokens: cached }),
  };
}

/** Anthropic's usage of a served message (`anthropicUsage` of every sample's usage). */
export function messageUsage(outcome: RequestOutcome): JsonObject {
  return anthropicUsage(outcome.usage);
}

/**
 * A whole (non-streamed) Anthropic message for a served request: its first choice's content blocks, stop
 * reason and usage, with the `mull` object (strategy, votes, reasoning tokens) when a strategy ran.
 *
 * @example
 * context.json(messageBody(plan, outcome, "msg_0123"));
 */
export function messageBody(plan: RequestPlan, outcome: RequestOutcome, id: string): JsonObject {
  const choice = outcome.choices[0];
  const mull = mullBody(outcome);
  return {
    id,
    type: "message",
    role: "assistant",
    model: plan.requestedModel,
    content: contentBlocks(choice),
    stop_reason: stopReasonOf(choice),
    stop_sequence: stopSequenceOf(choice),
    usage: messageUsage(outcome),
    ...(mull === undefined ? {} : { mull }),
  };
}
