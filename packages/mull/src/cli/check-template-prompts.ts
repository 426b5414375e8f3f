import type { Backend, Prompt } from "../spec/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Refuses, before a run starts, a prompt template the flags chose whose prompts the backend cannot take: a
 * chat template (`gsm8k`, `qwen-math`) for a model with no chat template (the lab models), or a text
 * template for a chat-only backend. Without the check the run loads the dataset and the model and fails at
 * its first pair.
 *
 * @param prompt the template's prompt of the run's first problem
 * @param template the template as `--prompt-template` named it
 * @param field where the template was named: `--prompt-template` (default), or a configuration field such as
 * `upstreams[0].models[1].promptTemplate`, whose remedy leaves out the `--endpoint` flag
 * @throws UsageError naming the field, the template, the kind of prompt it writes, the backend and the remedy.
 * @example
 * await checkTemplatePrompts(render(dataset.problems[0]), resolved.backend, "gsm8k");
 * // --prompt-template gsm8k writes chat prompts, which the llama-cpp backend (model lab-v2-large) cannot take…
 */
export async function checkTemplatePrompts(
  prompt: Prompt,
  backend: Backend,
  template: string,
  field = "--prompt-template",
): Promise<void> {
  const capabilities = await backend.capabilities();
  const chat = prompt.kind === "chat";
  if (chat ? capabilities.chat : capabilities.completion) return;
  const { kind, model } = backend.describe();
  const flag = field === "--prompt-template";
  const remedy = chat
    ? `${flag ? "add --endpoint completions for text prompts, or " : ""}give a text template such as lab`
    : "give a template that writes chat prompts, such as default";
  throw new UsageError(
    `${field} ${template} writes ${chat ? "chat" : "text"} prompts, which the ${kind} backend ` +
      `(model ${model}) cannot take: it has no ${chat ? "chat template" : "text completion"}; ${remedy}`,
    field,
  );
}
