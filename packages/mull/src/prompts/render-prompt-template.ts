import type { ChatMessage, Prompt, PromptTemplate } from "../spec/index.ts";
import {
  type PromptTemplateSpec,
  parsePromptTemplateSpec,
  questionPlaceholder,
} from "./prompt-template-spec.ts";

/** `prompt` with every `{question}` replaced by `question` (taken literally, `$` included). */
function fill(prompt: string, question: string): string {
  return prompt.split(questionPlaceholder).join(question);
}

/**
 * The `PromptTemplate` a spec describes, so that strategies take it as any other template: chat messages
 * (system, examples as user/assistant turns, then the question) or one completion text (examples, each
 * answered, then the question, separated by blank lines), carrying the spec's `stop` strings as the
 * prompt's own, which every backend honours. The spec is checked as a template file is, by
 * `parsePromptTemplateSpec`, so that nothing in it is silently dropped or read as something else.
 *
 * @throws ConfigError naming the field, the value and what was expected, for a spec a template file
 * could not hold: `promptTemplateFromSpec: prompt: must contain {question}, got "Solve it."`, an endpoint
 * other than `chat` or `text`, a system message on a text template, an unknown key (`sytem`).
 * @example
 * const template = promptTemplateFromSpec({ endpoint: "chat", system: "Be brief.", prompt: "{question}" });
 * template({ question: "2+2?" });
 * // { kind: "chat", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "2+2?" }] }
 */
export function promptTemplateFromSpec(given: PromptTemplateSpec): PromptTemplate {
  const spec = parsePromptTemplateSpec(given, "promptTemplateFromSpec");
  const examples = spec.examples ?? [];
  const stop = spec.stop === undefined ? {} : { stop: spec.stop };
  if (spec.endpoint === "text") {
    const joiner = /\s$/.test(spec.prompt) ? "" : " ";
    const shots = examples.map(
      (example) => `${fill(spec.prompt, example.question)}${joiner}${example.answer}`,
    );
    return (problem): Prompt => ({
      kind: "text",
      text: [...shots, fill(spec.prompt, problem.question)].join("\n\n"),
      ...stop,
    });
  }
  const lead: ChatMessage[] = [
    ...(spec.system === undefined ? [] : [{ role: "system" as const, content: spec.system }]),
    ...examples.flatMap((example): ChatMessage[] => [
      { role: "user", content: fill(spec.prompt, example.question) },
      { role: "assistant", content: example.answer },
    ]),
  ];
  return (problem): Prompt => ({
    kind: "chat",
    messages: [...lead, { role: "user", content: fill(spec.prompt, problem.question) }],
    ...stop,
  });
}
