import {
  progressBody,
  type RequestOutcome,
  type RequestPlan,
  type SampleProgress,
  textPieces,
} from "../requests/index.ts";
import {
  type ContentBlock,
  contentBlocks,
  messageUsage,
  stopReasonOf,
  stopSequenceOf,
} from "./message-body.ts";

/** One streamed event's payload; its `type` is also the event's name. */
export type MessageEvent = { readonly type: string } & Record<string, unknown>;

/**
 * The `message_start` event: the message without content, its usage so far. It goes out before any
 * upstream call (at once under a strategy), so its `input_tokens` is mull's reckoning of the prompt
 * (`RequestPlan.estimatedPromptTokens`: counted by the model's tokenizer where its backend can, else
 * estimated at about `charactersPerToken` characters a token): the upstream's counts, every sample's
 * prompt summed under a strategy, come with `message_delta` and may differ, the more so when the upstream
 * read part of the prompt from its cache (that part moves to `cache_read_input_tokens`, see `messageUsage`).
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

/** A piece of a text block's text (none for an empty piece). */
export function textDeltaEvents(index: number, text: string): MessageEvent[] {
  return text === "" ? [] : [{ type: "content_block_delta", index, delta: { type: "text_delta", text } }];
}

/** Characters of a tool call's input JSON per `input_json_delta`. */
const inputPieceLength = 16;

/**
 * The deltas of one block's content, in pieces as a live model would stream them: its thinking or text
 * word by word (`textPieces`, as the OpenAI stream sends the same answer), a call's input JSON a few
 * characters at a time. Concatenated they give back the block's content exactly.
 */
function blockDeltas(block: ContentBlock, index: number): MessageEvent[] {
  if (block.type === "thinking") {
    return textPieces(block.thinking).map((thinking) => ({
      type: "content_block_delta",
      index,
      delta: { type: "thinking_delta", thinking },
    }));
  }
  if (block.type === "text") return textPieces(block.text).flatMap((text) => textDeltaEvents(index, text));
  const json = JSON.stringify(block.input);
  const pieces: MessageEvent[] = [];
  for (let start = 0; start < json.length; start += inputPieceLength) {
    pieces.push({
      type: "content_block_delta",
      index,
      delta: { type: "input_json_delta", partial_json: json.slice(start, start + inputPieceLength) },
    });
  }
  return pieces;
}

/**
 * One whole block as its start, its content in many deltas (`thinking_delta`, `text_delta` or
 * `input_json_delta` pieces) and its stop.
 */
export function blockEvents(block: ContentBlock, index: number): MessageEvent[] {
  const start =
    block.type === "thinking"
      ? { type: "thinking", thinking: "", signature: "" }
      : block.type === "text"
        ? { type: "text", text: "" }
        : { type: "tool_use", id: block.id, name: block.name, input: {} };
  return [
    { type: "content_block_start", index, content_block: start },
    ...blockDeltas(block, index),
    { type: "content_block_stop", index },
  ];
}

/**
 * A `ping` that also reports a strategy's progress (`mull.progress`, as in the OpenAI stream's
 * `mull.progress` chunks): Anthropic's clients skip pings whole, so the extension never reaches their
 * message, and a reader of the raw events can follow the vote.
 */
export function progressPingEvent(progress: SampleProgress): MessageEvent {
  return {
    type: "ping",
    mull: { progress: progressBody(progress) },
  };
}

/** The closing events: `message_delta` with the stop reason, the usage and the `mull` object, then `message_stop`. */
export function messageEndEvents(
  outcome: RequestOutcome,
  mull: Record<string, unknown> | undefined,
): MessageEvent[] {
  return [
    {
      type: "message_delta",
      delta: {
        stop_reason: stopReasonOf(outcome.choices[0]),
        stop_sequence: stopSequenceOf(outcome.choices[0]),
      },
      usage: messageUsage(outcome),
      ...(mull === undefined ? {} : { mull }),
    },
    { type: "message_stop" },
  ];
}

/**
 * The events that finish a streamed message once its outcome is known, when nothing of it was relayed (a
 * strategy's chosen answer, or a pass-through that could not be relayed): every block in order, each in
 * many deltas (thinking, text, tool uses), then `message_delta` and `message_stop`. A relayed
 * pass-through ends with `createLiveBlocks().tail` instead.
 *
 * @example
 * writer.events(messageTailEvents(outcome, mullBody(outcome)));
 */
export function messageTailEvents(
  outcome: RequestOutcome,
  mull: Record<string, unknown> | undefined,
): MessageEvent[] {
  const events = contentBlocks(outcome.choices[0]).flatMap((block, index) => blockEvents(block, index));
  events.push(...messageEndEvents(outcome, mull));
  return events;
}
