import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { ConfigError } from "../../errors/index.ts";
import type { ChatMessage, Problem, PromptTemplate } from "../../spec/index.ts";

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

/** The template that turns an AI SDK call's question into the model's own prompt, and what it takes. */
export interface CallPromptTemplate {
  /** Renders the problem `{ question }` (the lab's `Q: … A:` text prompt, say). */
  readonly render: PromptTemplate;
  /**
   * What the template accepts, for the refusal of other questions (a profile's `answers`, e.g.
   * `arithmetic chains such as "37+48-19=?"`); absent when it takes any.
   */
  readonly answers?: string | undefined;
}

/**
 * The mull problem of an AI SDK call. Its question is the last user message's text (what traces show).
 * Without a template, the call's messages are sent as they are (`problem.prompt`). With one (a
 * `promptTemplate`, or the profile's where a lab model needs it), the problem is the question alone, which
 * the template renders, as `mull serve` does for a chat: other messages are not sent. The template is tried
 * here, so that a question it cannot render is refused before any call.
 *
 * @throws ConfigError for a part that is not text (see `toChatMessages`), a prompt without a user message,
 * or a question the template refuses (`mull ai-sdk: prompt: expected arithmetic chains such as "37+48-19=?"
 * in the last user message; …`).
 * @example
 * problemFromPrompt([{ role: "user", content: [{ type: "text", text: "12+7-3=?" }] }], { render: labPromptTemplate });
 * // { question: "12+7-3=?" }, which the template renders as "Q: 12+7-3=? A:"
 */
export function problemFromPrompt(prompt: LanguageModelV4Prompt, template?: CallPromptTemplate): Problem {
  const messages = toChatMessages(prompt);
  const question = messages.findLast((message) => message.role === "user")?.content;
  if (question === undefined || question.trim() === "") {
    throw new ConfigError("mull ai-sdk: prompt: expected a user message with text, got none", {
      field: "prompt",
    });
  }
  if (template === undefined) return { question, prompt: { kind: "chat", messages } };
  try {
    template.render({ question });
  } catch (error) {
    const expected = template.answers ?? "a question the prompt template can render";
    throw new ConfigError(
      `mull ai-sdk: prompt: expected ${expected} in the last user message; ${(error as Error).message}`,
      { field: "prompt", cause: error },
    );
  }
  return { question };
}
