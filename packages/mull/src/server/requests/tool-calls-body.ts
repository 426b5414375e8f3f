import type { ToolCall } from "../../spec/index.ts";
import { answerPieces } from "./answer-pieces.ts";
import type { OutcomeChoice } from "./request-outcome.ts";

type JsonObject = Record<string, unknown>;

/** OpenAI's `tool_calls` of a choice; with `indexed`, each call carries its `index`, as stream deltas do. */
export function toolCallsBody(calls: readonly ToolCall[], indexed: boolean): JsonObject[] {
  return calls.map((call, position) => ({
    ...(indexed ? { index: position } : {}),
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
}

/**
 * The stream chunks that carry a choice's calls piece by piece (OpenAI's streamed `delta.tool_calls`),
 * each made of `base` (id, object, created, model), the choice and `extra` (a `usage: null` when asked).
 */
export function toolCallChunks(
  base: JsonObject,
  extra: JsonObject,
  choice: OutcomeChoice | undefined,
  index: number,
): JsonObject[] {
  if (choice?.toolCalls === undefined) return [];
  return answerPieces("", choice.toolCalls).map((piece) => {
    if (piece.kind !== "tool-call") throw new Error("expected a tool-call piece");
    const call =
      piece.id === undefined
        ? { index: piece.index, function: { arguments: piece.arguments } }
        : {
            index: piece.index,
            id: piece.id,
            type: "function",
            function: { name: piece.name, arguments: piece.arguments },
          };
    return {
      ...base,
      choices: [{ index, delta: { tool_calls: [call] }, logprobs: null, finish_reason: null }],
      ...extra,
    };
  });
}
