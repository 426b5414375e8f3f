import { labPromptTemplate } from "../lab/index.ts";
import type { PromptTemplate } from "../spec/index.ts";
import type { PromptTemplateSpec } from "./prompt-template-spec.ts";
import { promptTemplateFromSpec } from "./render-prompt-template.ts";

/**
 * A prompt template chosen by the user: its name, the endpoint kind it renders for, how it renders, and
 * the spec it was made from when it has one (a function template such as `lab` cannot take another
 * system message or endpoint).
 */
export interface NamedPromptTemplate {
  /** A built-in name, or `file:<path>`. */
  readonly name: string;
  /** `chat` for a chat endpoint's messages, `text` for a completions endpoint's one text. */
  readonly endpoint: "chat" | "text";
  /** Turns a problem into the prompt it sends. */
  readonly render: PromptTemplate;
  /** The spec it was made from; absent for a function template such as `lab`. */
  readonly spec?: PromptTemplateSpec | undefined;
}

/** The default template's spec; it renders exactly as `defaultPromptTemplate` (a test pins it). */
const defaultSpec: PromptTemplateSpec = {
  endpoint: "chat",
  prompt:
    "{question}\n\nReason step by step. Then write the final answer alone on the last line, in the form `#### <answer>`.",
};

const builtinSpecs: Readonly<Record<string, PromptTemplateSpec>> = {
  default: defaultSpec,
  gsm8k: {
    endpoint: "chat",
    prompt:
      "{question}\n\nSolve the problem step by step. Then write the final answer as a number alone on the last line, " +
      "in the form `#### <number>`.",
  },
  "qwen-math": {
    endpoint: "chat",
    system: "Please reason step by step, and put your final answer within \\boxed{}.",
    prompt: "{question}",
  },
};

/** Names `--prompt-template` takes besides a file. */
export const builtinPromptTemplateNames: readonly string[] = ["default", "lab", "gsm8k", "qwen-math"];

/**
 * The built-in template of a name: `default` (the run's usual chat prompt ending in `#### <answer>`),
 * `lab` (the lab models' `Q: … A:` text prompt), `gsm8k` (a chat prompt asking for a final
 * `#### <number>` line) or `qwen-math` (the Qwen2.5-Math chat prompt, answer in `\boxed{}`); undefined
 * for any other name.
 *
 * @example
 * builtinPromptTemplate("qwen-math")?.render({ question: "1+1?" }).kind; // "chat"
 */
export function builtinPromptTemplate(name: string): NamedPromptTemplate | undefined {
  if (name === "lab") return { name, endpoint: "text", render: labPromptTemplate };
  const spec = Object.hasOwn(builtinSpecs, name) ? builtinSpecs[name] : undefined;
  if (spec === undefined) return undefined;
  return { name, endpoint: spec.endpoint, render: promptTemplateFromSpec(spec), spec };
}

/**
 * A stable description of a template, for configuration hashes: its name, endpoint and spec (the file's
 * contents, not only its path, stop strings included), so that a bench run resumed with other prompt
 * settings is refused.
 *
 * @example
 * describePromptTemplate(builtinPromptTemplate("lab")!); // '{"name":"lab","endpoint":"text"}'
 */
export function describePromptTemplate(template: NamedPromptTemplate): string {
  const spec = template.spec;
  return JSON.stringify({
    name: template.name,
    endpoint: template.endpoint,
    ...(spec === undefined
      ? {}
      : {
          system: spec.system ?? null,
          prompt: spec.prompt,
          examples: (spec.examples ?? []).map((example) => [example.question, example.answer]),
          // Only where there are some, so that a template without stop strings keeps its description.
          ...(spec.stop === undefined ? {} : { stop: spec.stop }),
        }),
  });
}
