import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "mull/errors";
import type { Prompt } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { copyModelWithMetadata } from "./test-chat-model.ts";
import { testModelPath } from "./test-model-path.ts";

// A ChatML template, as many models ship it.
const template =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

let directory: string;
let backend: LlamaCppBackend;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-chat-model-"));
  const modelPath = path.join(directory, "chat.gguf");
  await copyModelWithMetadata(testModelPath(), modelPath, "tokenizer.chat_template", template);
  backend = await createLlamaCppBackend({ model: modelPath, threads: 1, sequences: 2 });
});

afterAll(async () => {
  await backend?.dispose();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

/** The ChatML rendering of a user question, typed out as plain text (the lab vocabulary spells the markers). */
function rendered(question: string, answerSoFar = ""): Prompt {
  return {
    kind: "text",
    text: `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n${answerSoFar}`,
  };
}

describe("chat prompts through the model's chat template", () => {
  it("reports chat support when the model has a template", async () => {
    expect((await backend.capabilities()).chat).toBe(true);
  });

  it("renders messages with the template and opens the assistant's turn", async () => {
    const chat = await backend.generate({
      prompt: { kind: "chat", messages: [{ role: "user", content: "Q: 30+444+273=? A:" }] },
      temperature: 0,
      maxTokens: 30,
    });
    const text = await backend.generate({
      prompt: rendered("Q: 30+444+273=? A:"),
      temperature: 0,
      maxTokens: 30,
    });
    expect(chat.usage.promptTokens).toBe(text.usage.promptTokens);
    expect(chat.completions[0]?.text).toBe(text.completions[0]?.text);
  });

  it("continues a partial assistant message with continueFinalMessage", async () => {
    const messages = [
      { role: "user", content: "Q: 30+444+273=? A:" },
      { role: "assistant", content: "\n30+444=" },
    ] as const;
    const continued = await backend.generate({
      prompt: { kind: "chat", messages, continueFinalMessage: true },
      temperature: 0,
      maxTokens: 20,
    });
    const text = await backend.generate({
      prompt: rendered("Q: 30+444+273=? A:", "\n30+444="),
      temperature: 0,
      maxTokens: 20,
    });
    expect(continued.completions[0]?.text).toBe(text.completions[0]?.text);
    const scoredChat = await backend.score({
      prompt: { kind: "chat", messages, continueFinalMessage: true },
      continuation: "474",
    });
    const scoredText = await backend.score({
      prompt: rendered("Q: 30+444+273=? A:", "\n30+444="),
      continuation: "474",
    });
    expect(scoredChat.logprob).toBeCloseTo(scoredText.logprob, 6);
  });

  it("refuses continueFinalMessage when the last message is not the assistant's", async () => {
    await expect(
      backend.generate({
        prompt: { kind: "chat", messages: [{ role: "user", content: "hi" }], continueFinalMessage: true },
      }),
    ).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === "prompt.continueFinalMessage",
    );
  });
});
