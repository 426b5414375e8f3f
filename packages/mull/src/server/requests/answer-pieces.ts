import type { ToolCall } from "../../spec/index.ts";

/**
 * One piece of a chosen answer as a stream sends it, independent of any wire format: a piece of its text,
 * or of one of its function calls (the first piece of a call names its id and function, the next ones
 * carry its arguments). The OpenAI stream writes them as `delta.content` and `delta.tool_calls` chunks.
 */
export type AnswerPiece =
  | { readonly kind: "text"; readonly text: string }
  /** A piece of what the model reasoned apart from its answer; all of it comes before the text. */
  | { readonly kind: "reasoning"; readonly text: string }
  | {
      readonly kind: "tool-call";
      /** Position of the call among the choice's calls. */
      readonly index: number;
      /** On the first piece of a call only. */
      readonly id?: string | undefined;
      /** On the first piece of a call only. */
      readonly name?: string | undefined;
      readonly arguments: string;
    };

const wordPieces = /\s*\S+|\s+/g;
/** Characters of a call's arguments per piece. */
const argumentsPieceLength = 16;

/** A text in word-sized pieces (each with the whitespace before it); together they are the text. */
export function textPieces(text: string): string[] {
  return text.match(wordPieces) ?? [];
}

/**
 * The pieces of a chosen answer: its reasoning (if any) word by word, its text word by word, then each of its calls (id and name first, then
 * its arguments a few characters at a time). Concatenated per kind they give back the text and each
 * call's arguments exactly.
 *
 * @example
 * answerPieces("It is 21.", undefined); // [{ kind: "text", text: "It" }, { kind: "text", text: " is" }, { kind: "text", text: " 21." }]
 */
export function answerPieces(
  text: string,
  toolCalls: readonly ToolCall[] | undefined,
  reasoning?: string | undefined,
): AnswerPiece[] {
  const pieces: AnswerPiece[] = [
    ...textPieces(reasoning ?? "").map((piece): AnswerPiece => ({ kind: "reasoning", text: piece })),
    ...textPieces(text).map((piece): AnswerPiece => ({ kind: "text", text: piece })),
  ];
  (toolCalls ?? []).forEach((call, index) => {
    pieces.push({ kind: "tool-call", index, id: call.id, name: call.name, arguments: "" });
    for (let start = 0; start < call.arguments.length; start += argumentsPieceLength) {
      pieces.push({
        kind: "tool-call",
        index,
        arguments: call.arguments.slice(start, start + argumentsPieceLength),
      });
    }
  });
  return pieces;
}
