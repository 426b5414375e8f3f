import type { Prompt } from "../spec/index.ts";
import type { RequiredCapabilities } from "./generate-recorded.ts";

/**
 * The prompt that continues a partial solution `written` where it stops (unlike `stepPrompt`, which adds
 * a step delimiter): a text prompt gets `written` appended; a chat prompt gets it as a final assistant
 * message continued with `continueFinalMessage` (a final assistant message already in the prompt is
 * extended); the prompt's `stop` strings are kept. With nothing written the prompt is returned as it is, so
 * a first call is an ordinary one.
 *
 * @example
 * continuationPrompt({ kind: "text", text: "Q: 61+84=? A:" }, "\n61+8");
 * // { kind: "text", text: "Q: 61+84=? A:\n61+8" }
 */
export function continuationPrompt(prompt: Prompt, written: string): Prompt {
  if (written === "") return prompt;
  // The prompt's stop strings hold for its continuation too.
  const stop = prompt.stop === undefined ? {} : { stop: prompt.stop };
  if (prompt.kind === "text") return { kind: "text", text: prompt.text + written, ...stop };
  const last = prompt.messages.at(-1);
  if (last?.role === "assistant") {
    return {
      kind: "chat",
      messages: [...prompt.messages.slice(0, -1), { role: "assistant", content: last.content + written }],
      continueFinalMessage: true,
      ...stop,
    };
  }
  return {
    kind: "chat",
    messages: [...prompt.messages, { role: "assistant", content: written }],
    continueFinalMessage: true,
    ...stop,
  };
}

/**
 * What continuing a partial solution of this kind of prompt needs of the backend: `completion` for a
 * text prompt, `chat` and `continuePrefix` for a chat prompt; `requiredBy` names the strategy in the
 * `CapabilityError`.
 *
 * @example
 * await generateRecorded({ context, prompt, n: 1, requires: continuationCapabilities(prompt, "probe@4k8") });
 */
export function continuationCapabilities(prompt: Prompt, requiredBy: string): RequiredCapabilities {
  return prompt.kind === "text"
    ? {
        capabilities: ["completion"],
        requiredBy: `${requiredBy} (continuing a text prompt's partial solution)`,
      }
    : {
        capabilities: ["chat", "continuePrefix"],
        requiredBy: `${requiredBy} (continuing a partial assistant message, continueFinalMessage)`,
      };
}
