import type { Prompt } from "../spec/index.ts";
import { defaultStepFormat, type StepFormat } from "./step-format.ts";

/**
 * The prompt's stop strings as a step prompt keeps them: all but the step delimiter, which separates the
 * steps of one solution rather than ending it (a step call stops at it anyway; a rollout must write past
 * it). Nothing when none is left, so a prompt without `stop` gives a step prompt without `stop`.
 */
function stepStop(prompt: Prompt, format: StepFormat): { readonly stop?: readonly string[] } {
  const kept = prompt.stop?.filter((stop) => stop !== format.delimiter) ?? [];
  return kept.length === 0 ? {} : { stop: kept };
}

/**
 * The prompt that continues a partial solution by its next step:
 * - a text prompt gets the steps appended after it, each preceded by the delimiter (the first by
 *   `format.leading`), and a trailing delimiter, so the model writes the next step:
 *   `Q: 30+444+273=? A:` + `["30+444=474"]` → `Q: 30+444+273=? A:\n30+444=474\n`;
 * - a chat prompt gets a final assistant message holding the steps, each followed by the delimiter, with
 *   `continueFinalMessage` (a final assistant message already in the prompt is extended instead).
 *
 * It continues the problem's own solution, so it keeps the prompt's `stop` strings (a few-shot template's
 * next question, `["\n\nQuestion:"]`) on every step and rollout of a search, less the step delimiter.
 *
 * @example
 * stepPrompt({ kind: "text", text: "Q: 30+444+273=? A:" }, ["30+444=474"]);
 * // { kind: "text", text: "Q: 30+444+273=? A:\n30+444=474\n" }
 */
export function stepPrompt(
  prompt: Prompt,
  steps: readonly string[],
  format: StepFormat = defaultStepFormat,
): Prompt {
  const stop = stepStop(prompt, format);
  if (prompt.kind === "text") {
    const written = steps.map((step, index) => (index === 0 ? format.leading : format.delimiter) + step);
    const opening = steps.length === 0 ? format.leading : format.delimiter;
    return { kind: "text", text: prompt.text + written.join("") + opening, ...stop };
  }
  const content = steps.map((step) => step + format.delimiter).join("");
  const last = prompt.messages.at(-1);
  if (last?.role === "assistant") {
    return {
      kind: "chat",
      messages: [...prompt.messages.slice(0, -1), { role: "assistant", content: last.content + content }],
      continueFinalMessage: true,
      ...stop,
    };
  }
  return {
    kind: "chat",
    messages: [...prompt.messages, { role: "assistant", content }],
    continueFinalMessage: true,
    ...stop,
  };
}
