import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { builtinPromptTemplate, describePromptTemplate } from "./builtin-prompt-templates.ts";
import { loadPromptTemplate, withPromptFlags } from "./resolve-prompt-template.ts";

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "mull-prompts-"));
});
afterAll(async () => rm(directory, { recursive: true, force: true }));

async function templateFile(name: string, contents: unknown): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, typeof contents === "string" ? contents : JSON.stringify(contents));
  return path;
}

/** The ConfigError `action` throws (the test fails when it throws none). */
async function configErrorOf(action: () => unknown): Promise<ConfigError> {
  try {
    await action();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadPromptTemplate", () => {
  it("loads a few-shot file and renders exactly its prompt", async () => {
    const path = await templateFile("few-shot.json", {
      endpoint: "text",
      prompt: "Question: {question}\nAnswer:",
      examples: [{ question: "1+1", answer: "2" }],
    });
    const template = await loadPromptTemplate(path);
    expect(template.name).toBe(`file:${path}`);
    expect(template.render({ question: "2+3" })).toEqual({
      kind: "text",
      text: "Question: 1+1\nAnswer: 2\n\nQuestion: 2+3\nAnswer:",
    });
  });

  it("loads a few-shot file's stop strings onto the prompts it renders, as lm-eval's few-shot stops", async () => {
    const path = await templateFile("few-shot-stop.json", {
      endpoint: "text",
      prompt: "Question: {question}\nAnswer:",
      examples: [{ question: "What is 2 times 3?", answer: "6\n#### 6" }],
      stop: ["\n\nQuestion:"],
    });
    const template = await loadPromptTemplate(path);
    expect(template.spec?.stop).toEqual(["\n\nQuestion:"]);
    expect(template.render({ question: "What is 4 times 5?" })).toEqual({
      kind: "text",
      text: "Question: What is 2 times 3?\nAnswer: 6\n#### 6\n\nQuestion: What is 4 times 5?\nAnswer:",
      stop: ["\n\nQuestion:"],
    });
    // Rendered for another endpoint or with another system message, the stop strings stay.
    expect(
      withPromptFlags(template, { endpoint: "chat", system: "Be brief." }).render({ question: "q" }).stop,
    ).toEqual(["\n\nQuestion:"]);
    // A bench run resumed with other stop strings is another configuration; one without any keeps its hash.
    expect(describePromptTemplate(template)).toContain('"stop":["\\n\\nQuestion:"]');
    expect(describePromptTemplate(builtinPromptTemplate("gsm8k")!)).not.toContain("stop");
  });

  it("resolves built-in names before files", async () => {
    expect((await loadPromptTemplate("qwen-math")).spec?.system).toContain("\\boxed{}");
    expect((await loadPromptTemplate("lab")).render({ question: "1+2" })).toEqual({
      kind: "text",
      text: "Q: 1+2=? A:",
    });
  });

  it.each([
    [
      "a wrong endpoint",
      { endpoint: "completion", prompt: "{question}" },
      "endpoint",
      /"chat" or "text", got "completion"/,
    ],
    [
      "a prompt without {question}",
      { endpoint: "chat", prompt: "Solve it." },
      "prompt",
      /must contain \{question\}, got "Solve it."/,
    ],
    ["a missing prompt", { endpoint: "chat" }, "prompt", /got nothing/],
    [
      "an example without answer",
      { endpoint: "chat", prompt: "{question}", examples: [{ question: "1" }] },
      "examples[0].answer",
      /got nothing/,
    ],
    [
      "an unknown field",
      { endpoint: "chat", prompt: "{question}", sytem: "x" },
      "sytem",
      /sytem: unknown key \(.* takes endpoint, system, prompt, examples, stop\)/,
    ],
    [
      "a system message on a text template",
      { endpoint: "text", system: "Be brief.", prompt: "{question}" },
      "system",
      /no system message, got "Be brief."/,
    ],
  ])("refuses %s, naming the field", async (_, contents, field, message) => {
    const path = await templateFile(`bad-${field}.json`, contents);
    const error = await configErrorOf(() => loadPromptTemplate(path));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(path);
  });

  it("refuses a file that is not JSON, and a name that is neither built in nor a file", async () => {
    const path = await templateFile("broken.json", "{ endpoint: chat");
    const broken = await configErrorOf(() => loadPromptTemplate(path));
    expect(broken.field).toBe("--prompt-template");
    expect(broken.message).toMatch(/is not JSON/);
    const missing = await configErrorOf(() => loadPromptTemplate("qwen-maths"));
    expect(missing.field).toBe("--prompt-template");
    expect(missing.message).toMatch(
      /"qwen-maths" is neither a built-in template \(default, lab, gsm8k, qwen-math\)/,
    );
  });
});

describe("withPromptFlags", () => {
  const gsm8k = builtinPromptTemplate("gsm8k")!;
  const lab = builtinPromptTemplate("lab")!;

  it("sets the system message of a chat template", () => {
    const prompt = withPromptFlags(gsm8k, { system: "You are terse." }).render({ question: "1+1?" });
    expect(prompt.kind === "chat" ? prompt.messages[0] : undefined).toEqual({
      role: "system",
      content: "You are terse.",
    });
  });

  it("renders a chat template for completions, and a text template for chat", () => {
    const text = withPromptFlags(gsm8k, { endpoint: "completions" });
    expect(text.endpoint).toBe("text");
    expect(text.render({ question: "Q" })).toEqual({
      kind: "text",
      text: gsm8k.spec!.prompt.replace("{question}", "Q"),
    });
    expect(withPromptFlags(text, { endpoint: "chat", system: "S" }).render({ question: "Q" }).kind).toBe(
      "chat",
    );
    expect(withPromptFlags(lab, { endpoint: "auto" })).toBe(lab);
    expect(withPromptFlags(lab, { endpoint: "completions" })).toBe(lab);
  });

  it("refuses --system on a text template and an endpoint a function template cannot render", async () => {
    const system = await configErrorOf(() => withPromptFlags(lab, { system: "Be brief." }));
    expect(system.field).toBe("--system");
    expect(system.message).toMatch(/lab template renders a text prompt for \/v1\/completions/);
    const endpoint = await configErrorOf(() => withPromptFlags(lab, { endpoint: "chat" }));
    expect(endpoint.field).toBe("--endpoint");
    expect(endpoint.message).toMatch(/got "chat"/);
    const qwen = builtinPromptTemplate("qwen-math")!;
    expect((await configErrorOf(() => withPromptFlags(qwen, { endpoint: "completions" }))).field).toBe(
      "--endpoint",
    );
  });
});
