import type { Prompt } from "../spec/index.ts";

/**
 * The length of a prompt in characters (a chat prompt's message contents together): what a call is sized
 * by before the backend has reported how many tokens a character is worth.
 *
 * @example
 * promptCharacters({ kind: "text", text: "Q: 2+2=? A:" }); // 11
 */
export function promptCharacters(prompt: Prompt): number {
  return prompt.kind === "text"
    ? prompt.text.length
    : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
}
