import type { LivePiece, RequestOutcome } from "../requests/index.ts";
import { contentBlocks } from "./message-body.ts";
import {
  blockEvents,
  type MessageEvent,
  messageEndEvents,
  messageTailEvents,
  textDeltaEvents,
} from "./message-events.ts";

/** The blocks of a relayed pass-through, opened as its pieces arrive. */
export interface LiveBlocks {
  /**
   * The events that relay one piece (a message is one choice: its index is not read): a `thinking_delta`
   * or `text_delta`, opening its block first when needed.
   */
  piece(piece: Pick<LivePiece, "kind" | "text">): MessageEvent[];
  /**
   * The events that finish the message once its outcome is known: the text the pieces missed, the stop of
   * the open block, the calls' `tool_use` blocks, `message_delta` and `message_stop`. With nothing relayed
   * every block goes out in pieces (`messageTailEvents`).
   */
  tail(outcome: RequestOutcome, mull: Record<string, unknown> | undefined): MessageEvent[];
}

/**
 * Creates the block state of one relayed messages stream: a reasoning model's `reasoning_content` pieces
 * go out in a `thinking` block, its text in a `text` block after it; a new block opens whenever the kind
 * of piece changes.
 *
 * @example
 * const blocks = createLiveBlocks();
 * live.listen((piece) => writer.events(blocks.piece(piece)));
 */
export function createLiveBlocks(): LiveBlocks {
  let open: { kind: LivePiece["kind"]; index: number } | undefined;
  let blocks = 0;
  let text = "";
  const stopOpen = (): MessageEvent[] =>
    open === undefined ? [] : [{ type: "content_block_stop", index: open.index }];
  const start = (kind: LivePiece["kind"]): MessageEvent[] => {
    const events = stopOpen();
    open = { kind, index: blocks };
    blocks += 1;
    events.push({
      type: "content_block_start",
      index: open.index,
      content_block:
        kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" },
    });
    return events;
  };
  return {
    piece(piece) {
      const events = open?.kind === piece.kind ? [] : start(piece.kind);
      const index = blocks - 1;
      if (piece.kind === "text") {
        text += piece.text;
        events.push(...textDeltaEvents(index, piece.text));
      } else {
        events.push({
          type: "content_block_delta",
          index,
          delta: { type: "thinking_delta", thinking: piece.text },
        });
      }
      return events;
    },
    tail(outcome, mull) {
      if (open === undefined) return messageTailEvents(outcome, mull);
      const choice = outcome.choices[0];
      const whole = choice?.text ?? "";
      const missed = whole.startsWith(text) ? whole.slice(text.length) : "";
      const events: MessageEvent[] = [];
      if (missed !== "") {
        if (open.kind !== "text") events.push(...start("text"));
        events.push(...textDeltaEvents(blocks - 1, missed));
      }
      events.push(...stopOpen());
      const calls = contentBlocks(choice).filter((block) => block.type === "tool_use");
      for (const [position, block] of calls.entries()) events.push(...blockEvents(block, blocks + position));
      events.push(...messageEndEvents(outcome, mull));
      return events;
    },
  };
}
