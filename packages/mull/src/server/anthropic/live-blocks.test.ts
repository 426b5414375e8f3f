import { describe, expect, it } from "vitest";
import type { RequestOutcome } from "../requests/index.ts";
import { createLiveBlocks } from "./live-blocks.ts";
import type { MessageEvent } from "./message-events.ts";

const outcome = (choice: RequestOutcome["choices"][number]): RequestOutcome => ({
  choices: [choice],
  usage: { promptTokens: 3, completionTokens: 9, calls: 1 },
  report: undefined,
});

const kinds = (events: readonly MessageEvent[]) =>
  events.map((event) =>
    event.type === "content_block_delta"
      ? `delta:${(event.delta as { type: string }).type}`
      : event.type === "content_block_start"
        ? `start:${(event.content_block as { type: string }).type}`
        : event.type,
  );

describe("the blocks of a relayed pass-through", () => {
  it("opens a thinking block, then a text block when the text starts, and ends with the calls", () => {
    const blocks = createLiveBlocks();
    const relayed = [
      ...blocks.piece({ kind: "reasoning", text: "Six" }),
      ...blocks.piece({ kind: "reasoning", text: " sevens" }),
      ...blocks.piece({ kind: "text", text: "It is" }),
    ];
    expect(kinds(relayed)).toEqual([
      "start:thinking",
      "delta:thinking_delta",
      "delta:thinking_delta",
      "content_block_stop",
      "start:text",
      "delta:text_delta",
    ]);
    const tail = blocks.tail(
      outcome({
        text: "It is 42.",
        finishReason: "tool_calls",
        toolCalls: [{ id: "call_1", name: "check", arguments: '{"value":42}' }],
      }),
      undefined,
    );
    expect(kinds(tail)).toEqual([
      "delta:text_delta",
      "content_block_stop",
      "start:tool_use",
      "delta:input_json_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(tail[0]).toMatchObject({ index: 1, delta: { text: " 42." } });
    expect(tail[2]).toMatchObject({ index: 2, content_block: { id: "call_1", name: "check" } });
    expect(tail[5]).toMatchObject({ delta: { stop_reason: "tool_use", stop_sequence: null } });
  });

  it("opens the text block for text the pieces missed after the thinking", () => {
    const blocks = createLiveBlocks();
    blocks.piece({ kind: "reasoning", text: "Thinking" });
    const tail = blocks.tail(outcome({ text: "42", finishReason: "stop", stopSequence: "###" }), undefined);
    expect(kinds(tail)).toEqual([
      "content_block_stop",
      "start:text",
      "delta:text_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(tail[1]).toMatchObject({ index: 1 });
    expect(tail[4]).toMatchObject({ delta: { stop_reason: "stop_sequence", stop_sequence: "###" } });
  });
});
