import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "./errors/index.ts";
import { promptTemplateOption } from "./prompt-template-option.ts";
import { builtinPromptTemplate } from "./prompts/index.ts";
import { parseOptions } from "./runtime/index.ts";
import type { PromptTemplate } from "./spec/index.ts";

const settings = z.strictObject({ promptTemplate: promptTemplateOption });

/** The message of the `ConfigError` that refuses `promptTemplate`, checking that it names the option. */
function refusal(promptTemplate: unknown): string {
  try {
    parseOptions(settings, { promptTemplate }, "solve");
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    expect(error.field).toBe("promptTemplate");
    return error.message;
  }
  throw new Error(`promptTemplate ${String(promptTemplate)} was not refused`);
}

const expected =
  "solve: promptTemplate must be a prompt template: a function (problem) => Prompt, the template " +
  "loadPromptTemplate returns (an object with a render method) or a built-in name (default, lab, gsm8k, qwen-math)";
const problem = { question: "17+5=?" };

describe("promptTemplateOption", () => {
  it("keeps a function, and takes a loaded template's render", () => {
    const render: PromptTemplate = (given) => ({ kind: "text", text: `Q: ${given.question}` });
    expect(promptTemplateOption.parse(render)).toBe(render);
    expect(promptTemplateOption.parse({ name: "mine", endpoint: "text", render })).toBe(render);
  });

  it("turns a built-in template's name into its render", () => {
    const rendered = promptTemplateOption.parse("gsm8k")(problem);
    expect(rendered).toEqual(builtinPromptTemplate("gsm8k")?.render(problem));
  });

  it("refuses what it cannot render with, with a hint for a value that is nearly a template", () => {
    expect(refusal(5)).toBe(`${expected}, got 5`);
    expect(refusal("few-shot.json")).toBe(
      `${expected}, got "few-shot.json"; for a template file, pass await loadPromptTemplate("few-shot.json")`,
    );
    expect(refusal({ endpoint: "chat", prompt: "{question}" })).toBe(
      `${expected}, got {"endpoint":"chat","prompt":"{question}"}; for a template spec, pass promptTemplateFromSpec(spec)`,
    );
    expect(refusal(Promise.resolve(undefined))).toBe(
      `${expected}, got Promise {}; await it and pass the template it gives`,
    );
    expect(refusal({ name: "gsm8k", render: "{question}" })).toMatch(/, got \{"name":"gsm8k"/);
  });
});
