import type { RequestOutcome, RequestPlan } from "../requests/index.ts";
import { type ContentBlock, contentBlocks, messageUsage, stopReasonOf } from "./message-body.ts";

/** One streamed event's payload; its `type` is also the event's name. */
export type MessageEvent = { readonly type: string } & Record<string, unknown>;

/**
 * The `message_start` event: the message without content, its usage so far (the prompt as estimated
 * before any call; the final counts come with `message_delta`).
 */
export function messageStartEvent(plan: RequestPlan, id: string): MessageEvent {
  return {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model: plan.requestedModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: plan.estimatedPromptTokens, output_tokens: 0 },
    },
  };
}

/** The start of a text block, at `index`, and its first delta: how a relayed text begins. */
export function textStartEvents(index: number, text: string): MessageEvent[] {
  return [
    { type: "content_block_start", index, content_block: { type: "text", text: "" } },
    ...textDeltaEvents(index, text),
  ];
}

/** A piece of a text block's text (none for an empty piece). */
export function textDeltaEvents(index: number, text: string): MessageEvent[] {
  return text === "" ? [] : [{ type: "content_block_delta", index, delta: { type: "text_delta", text } }];
}

/** One whole block as its start, its delta (`thinking_delta`, `text_delta` or `input_json_delta`) and its stop. */
export function blockEvents(block: ContentBlock, index: number): MessageEvent[] {
  if (block.type === "thinking") {
    return [
      {
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      },
      { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } },
      { type: "content_block_stop", index },
    ];
  }
  if (block.type === "text")
    return [...textStartEvents(index, block.text), { type: "content_block_stop", index }];
  return [
    {
      type: "content_block_start",
      index,
      content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
    },
    {
      type: "content_block_delta",
      index,
      delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
    },
    { type: "content_block_stop", index },
  ];
}

/** The closing events: `message_delta` with the stop reason, the usage and the `mull` object, then `message_stop`. */
export function messageEndEvents(
  outcome: RequestOutcome,
  mull: Record<string, unknown> | undefined,
): MessageEvent[] {
  return [
    {
      type: "message_delta",
      delta: { stop_reason: stopReasonOf(outcome.choices[0]), stop_sequence: null },
      usage: messageUsage(outcome),
      ...(mull === undefined ? {} : { mull }),
    },
    { type: "message_stop" },
  ];
}

/**
 * The events that finish a streamed message once its outcome is known. `delivered` is the text already
 * relayed as block 0 (a pass-through streamed piece by piece): that block gets any text the pieces missed
 * and its stop, and the other blocks (the calls) follow it. With nothing delivered every block goes out
 * whole, in order: thinking, text, tool uses.
 *
 * @example
 * writer.events(messageTailEvents(outcome, "", mullBody(outcome)));
 */
export function messageTailEvents(
  outcome: RequestOutcome,
  delivered: string,
  mull: Record<string, unknown> | undefined,
): MessageEvent[] {
  const blocks = contentBlocks(outcome.choices[0]);
  const events: MessageEvent[] = [];
  if (delivered === "") {
    for (const [index, block] of blocks.entries()) events.push(...blockEvents(block, index));
  } else {
    const text = outcome.choices[0]?.text ?? "";
    const missed = text.startsWith(delivered) ? text.slice(delivered.length) : "";
    events.push(...textDeltaEvents(0, missed), { type: "content_block_stop", index: 0 });
    const rest = blocks.filter((block) => block.type === "tool_use");
    for (const [position, block] of rest.entries()) events.push(...blockEvents(block, position + 1));
  }
  events.push(...messageEndEvents(outcome, mull));
  return events;
}
