import type { Problem, Prompt } from "../spec/index.ts";

/**
 * Problems with empty text in each shape a judge's template words differently, a lone question and a
 * conversation with earlier turns, for reckoning the template's own text (`judgePromptTokens`).
 */
export const emptyJudgedProblems: readonly Problem[] = [
  { question: "" },
  {
    question: "",
    prompt: {
      kind: "chat",
      messages: [
        { role: "user", content: "" },
        { role: "assistant", content: "" },
        { role: "user", content: "" },
      ],
    },
  },
];

/** Tokens a chat template may wrap each message in (role markers, turn ends), reckoned high. */
const chatMessageTokens = 8;

/**
 * A judge's prompt's tokens reckoned high, before any call: its characters (a text prompt's, or each chat
 * message's content and function calls' names and arguments) at `charactersPerToken`, rounded up, and 8
 * tokens for each chat message (role markers, turn ends). Judges reckon their template's own text with it,
 * rendered around empty problems and solutions.
 *
 * @example
 * judgePromptTokens({ kind: "text", text: "x".repeat(40) }, 4); // 10
 * judgePromptTokens({ kind: "chat", messages: [{ role: "user", content: "x".repeat(40) }] }, 4); // 18
 */
export function judgePromptTokens(prompt: Prompt, charactersPerToken: number): number {
  if (prompt.kind === "text") return Math.ceil(prompt.text.length / charactersPerToken);
  const characters = prompt.messages.reduce(
    (sum, message) =>
      sum +
      message.content.length +
      (message.toolCalls ?? []).reduce((calls, call) => calls + call.name.length + call.arguments.length, 0),
    0,
  );
  return Math.ceil(characters / charactersPerToken) + chatMessageTokens * prompt.messages.length;
}
