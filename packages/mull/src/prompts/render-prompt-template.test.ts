import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { defaultPromptTemplate } from "../generation/index.ts";
import { builtinPromptTemplate } from "./builtin-prompt-templates.ts";
import type { PromptTemplateSpec } from "./prompt-template-spec.ts";
import { promptTemplateFromSpec } from "./render-prompt-template.ts";

const examples = [
  { question: "2+2", answer: "4" },
  { question: "3+5", answer: "8" },
];

describe("promptTemplateFromSpec", () => {
  it("renders a chat template: system, examples as user/assistant turns, then the question", () => {
    const template = promptTemplateFromSpec({
      endpoint: "chat",
      system: "Answer with a number.",
      prompt: "Compute {question}.",
      examples,
    });
    expect(template({ question: "7+1" })).toEqual({
      kind: "chat",
      messages: [
        { role: "system", content: "Answer with a number." },
        { role: "user", content: "Compute 2+2." },
        { role: "assistant", content: "4" },
        { role: "user", content: "Compute 3+5." },
        { role: "assistant", content: "8" },
        { role: "user", content: "Compute 7+1." },
      ],
    });
  });

  it("renders a text template: answered examples and the question, separated by blank lines", () => {
    const template = promptTemplateFromSpec({ endpoint: "text", prompt: "Q: {question}\nA:", examples });
    expect(template({ question: "7+1" })).toEqual({
      kind: "text",
      text: "Q: 2+2\nA: 4\n\nQ: 3+5\nA: 8\n\nQ: 7+1\nA:",
    });
    const trailingSpace = promptTemplateFromSpec({
      endpoint: "text",
      prompt: "Q: {question}\nA: ",
      examples,
    });
    expect(trailingSpace({ question: "1" })).toEqual({
      kind: "text",
      text: "Q: 2+2\nA: 4\n\nQ: 3+5\nA: 8\n\nQ: 1\nA: ",
    });
  });

  it("gives every prompt it renders the template's stop strings, text and chat alike", () => {
    const stop = ["\n\nQuestion:"];
    const text = promptTemplateFromSpec({ endpoint: "text", prompt: "Question: {question}\nAnswer:", stop });
    expect(text({ question: "7+1" })).toEqual({ kind: "text", text: "Question: 7+1\nAnswer:", stop });
    const chat = promptTemplateFromSpec({ endpoint: "chat", prompt: "{question}", stop: ["</answer>"] });
    expect(chat({ question: "7+1" })).toEqual({
      kind: "chat",
      messages: [{ role: "user", content: "7+1" }],
      stop: ["</answer>"],
    });
    // Without stop strings a prompt has no `stop` at all, as before.
    expect(
      Object.keys(promptTemplateFromSpec({ endpoint: "text", prompt: "{question}" })({ question: "q" })),
    ).toEqual(["kind", "text"]);
  });

  it("takes the question literally, replacement patterns and repeated placeholders included", () => {
    const template = promptTemplateFromSpec({ endpoint: "text", prompt: "{question} / {question}" });
    expect(template({ question: "$& costs $1" })).toEqual({
      kind: "text",
      text: "$& costs $1 / $& costs $1",
    });
  });
});

describe("promptTemplateFromSpec refuses what a template file could not hold", () => {
  const refusal = (spec: unknown): ConfigError => {
    try {
      promptTemplateFromSpec(spec as PromptTemplateSpec);
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      return error as ConfigError;
    }
    throw new Error(`accepted ${JSON.stringify(spec)}`);
  };

  it("a prompt without {question}, which would drop the question", () => {
    const error = refusal({ endpoint: "chat", prompt: "Solve it." });
    expect(error.message).toBe('promptTemplateFromSpec: prompt: must contain {question}, got "Solve it."');
    expect(error.field).toBe("prompt");
  });

  it("a system message on a text template, which completions cannot send", () => {
    const error = refusal({ endpoint: "text", system: "Be brief.", prompt: "Q: {question}\nA:" });
    expect(error.message).toBe(
      'promptTemplateFromSpec: system: a text (completions) template has no system message, got "Be brief."; ' +
        'remove it or use "endpoint": "chat"',
    );
    expect(error.field).toBe("system");
  });

  it("an unknown key, naming the keys a template takes", () => {
    const error = refusal({ endpoint: "chat", sytem: "Be brief.", prompt: "{question}" });
    expect(error.message).toBe(
      "promptTemplateFromSpec: sytem: unknown key (promptTemplateFromSpec takes endpoint, system, prompt, examples, stop)",
    );
    expect(error.field).toBe("sytem");
  });

  it.each([
    [
      "a lone string, which is not a list",
      "\n\nQuestion:",
      "stop",
      /stop must be an array of 1 to 4 non-empty strings, got "\\n\\nQuestion:"/,
    ],
    [
      "an empty list",
      [],
      "stop",
      /stop must be an array of 1 to 4 non-empty strings \(omit it for none\), got \[\]/,
    ],
    [
      "an empty string, which would stop at once",
      ["\n\n", ""],
      "stop[1]",
      /stop\[1\] must be a non-empty string, got ""/,
    ],
    ["a string that is not one", ["\n\n", 7], "stop[1]", /stop\[1\] must be a non-empty string, got 7/],
    [
      "more than OpenAI's API takes",
      ["a", "b", "c", "d", "e"],
      "stop",
      /stop must be an array of 1 to 4 non-empty strings, as OpenAI's API takes, got \["a","b","c","d","e"\]/,
    ],
  ])("stop strings given as %s", (_, stop, field, message) => {
    const error = refusal({ endpoint: "text", prompt: "Q: {question}\nA:", stop });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("an endpoint other than chat or text, rather than rendering it as chat", () => {
    const error = refusal({ endpoint: "completions", prompt: "{question}" });
    expect(error.message).toBe(
      'promptTemplateFromSpec: endpoint must be "chat" or "text", got "completions"',
    );
    expect(error.field).toBe("endpoint");
  });

  it("an example that is not a question and answer", () => {
    const error = refusal({
      endpoint: "chat",
      prompt: "{question}",
      examples: [{ question: "1", answer: 1 }],
    });
    expect(error.message).toBe(
      "promptTemplateFromSpec: examples[0].answer must be a string (the example's answer), got 1",
    );
    expect(error.field).toBe("examples[0].answer");
  });
});

describe("built-in templates", () => {
  it("default renders exactly as defaultPromptTemplate", () => {
    const problem = { question: "What is 17 × 3?" };
    expect(builtinPromptTemplate("default")?.render(problem)).toEqual(defaultPromptTemplate(problem));
  });

  it("lab renders the lab's Q: … A: text prompt", () => {
    const lab = builtinPromptTemplate("lab");
    expect(lab?.endpoint).toBe("text");
    expect(lab?.render({ question: "12 + 7 - 3" })).toEqual({ kind: "text", text: "Q: 12+7-3=? A:" });
  });

  it("gsm8k asks for a final #### <number> line in one user message", () => {
    const prompt = builtinPromptTemplate("gsm8k")?.render({ question: "Tom has 3 apples." });
    expect(prompt?.kind).toBe("chat");
    const messages = prompt?.kind === "chat" ? prompt.messages : [];
    expect(messages).toHaveLength(1);
    expect(messages[0]?.role).toBe("user");
    expect(messages[0]?.content.startsWith("Tom has 3 apples.\n\n")).toBe(true);
    expect(messages[0]?.content).toContain("#### <number>");
  });

  it("qwen-math sends Qwen2.5-Math's system message and the bare question", () => {
    expect(builtinPromptTemplate("qwen-math")?.render({ question: "1+1?" })).toEqual({
      kind: "chat",
      messages: [
        {
          role: "system",
          content: "Please reason step by step, and put your final answer within \\boxed{}.",
        },
        { role: "user", content: "1+1?" },
      ],
    });
  });

  it("knows no other name", () => {
    expect(builtinPromptTemplate("gsm9k")).toBeUndefined();
    expect(builtinPromptTemplate("toString")).toBeUndefined();
  });
});
