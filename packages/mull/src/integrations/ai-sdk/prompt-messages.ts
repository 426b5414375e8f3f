import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { ConfigError } from "../../errors/index.ts";
import type { ChatMessage, Problem } from "../../spec/index.ts";

/**
 * Turns an AI SDK prompt into mull chat messages: system messages as they are, user and assistant
 * messages as the concatenation of their text parts. mull's strategies sample and compare text, so
 * anything else (files, tool calls and results, reasoning parts, `tool` messages) is refused.
 *
 * @throws ConfigError naming the message and part (`prompt[1].content[0]`) that is not text.
 * @example
 * toChatMessages([{ role: "user", content: [{ type: "text", text: "What is 17 * 23?" }] }]);
 * // [{ role: "user", content: "What is 17 * 23?" }]
 */
export function toChatMessages(prompt: LanguageModelV4Prompt): ChatMessage[] {
  return prompt.map((message, index): ChatMessage => {
    if (message.role === "system") return { role: "system", content: message.content };
    if (message.role === "tool") {
      throw new ConfigError(
        `mull ai-sdk: prompt[${index}]: expected a system, user or assistant message, got a tool message (mull strategies work on text only)`,
        { field: `prompt[${index}].role` },
      );
    }
    const texts = message.content.map((part, partIndex) => {
      if (part.type === "text") return part.text;
      throw new ConfigError(
        `mull ai-sdk: prompt[${index}].content[${partIndex}]: expected a text part, got a ${part.type} part (mull strategies work on text only)`,
        { field: `prompt[${index}].content[${partIndex}]` },
      );
    });
    return { role: message.role, content: texts.join("") };
  });
}

/**
 * The mull problem of an AI SDK call: its messages sent as they are (`problem.prompt`, so no prompt
 * template rewrites them), and as the question the last user message's text (what traces show).
 *
 * @throws ConfigError for a part that is not text (see `toChatMessages`) or a prompt without a user message.
 */
export function problemFromPrompt(prompt: LanguageModelV4Prompt): Problem {
  const messages = toChatMessages(prompt);
  const question = messages.findLast((message) => message.role === "user")?.content;
  if (question === undefined || question.trim() === "") {
    throw new ConfigError("mull ai-sdk: prompt: expected a user message with text, got none", {
      field: "prompt",
    });
  }
  return { question, prompt: { kind: "chat", messages } };
}
