import { existsSync } from "node:fs";
import path from "node:path";
import { type AssembledServer, assembleServer, parseServerConfig } from "mull/server";
import type { Prompt } from "mull/spec";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

// `mull serve` on the embedded lab-large: the backend counts a prompt's tokens with the model's own
// tokenizer (one token per character), so the server refuses a prompt over the context window that the
// estimate of four characters a token would let through to the model.
const file = path.join(labModelsDirectory, "lab-large.gguf");
const missing = !existsSync(file);
if (missing) process.stderr.write(`count tokens on lab serve test skipped: no lab model at ${file}\n`);

const key = "sk-lab-count";

describe.skipIf(missing)("prompt tokens counted by the embedded lab model under mull serve", () => {
  let backend: LlamaCppBackend;
  let assembled: AssembledServer;

  beforeAll(async () => {
    backend = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
    assembled = await assembleServer(
      parseServerConfig({
        server: { logLevel: "silent" },
        upstreams: [{ name: "lab", kind: "embedded", models: ["lab-large"], threads: 1 }],
      }),
      {
        apiKeys: [key],
        logger: pino({ level: "silent" }),
        loadEmbedded: (model, options) =>
          createLlamaCppBackend({
            model,
            ...(options.threads === undefined ? {} : { threads: options.threads }),
          }),
      },
    );
  }, 60_000);

  afterAll(async () => {
    await assembled?.dispose();
    await backend?.dispose();
  });

  const post = async (question: string, maxTokens: number) => {
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: "lab-large",
        messages: [{ role: "user", content: question }],
        max_tokens: maxTokens,
        temperature: 0,
      }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        error?: { code: string; param: string; message: string };
        usage?: { prompt_tokens: number };
      },
    };
  };

  it("counts a prompt as generate evaluates it: a token per character and the beginning-of-sequence token", async () => {
    const prompt: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };
    const tokens = await backend.countTokens(prompt);
    expect(tokens).toBe(prompt.text.length + 1);
    // Four times what four characters a token estimates.
    expect(Math.ceil(prompt.text.length / 4)).toBe(5);
    const result = await backend.generate({ prompt, temperature: 0, maxTokens: 4 });
    expect(result.usage.promptTokens).toBe(tokens);
  });

  it("refuses with 400, naming the counted numbers, a prompt the estimate lets through but that overflows the window", async () => {
    const window = backend.settings.contextSize;
    expect(window).toBe(256);
    const chain = `1${"+1-1".repeat(70)}`;
    const question = `${chain}=?`;
    // The estimate: 71 tokens, and with max_tokens 16 well inside the window.
    expect(Math.ceil(question.length / 4) + 16).toBeLessThanOrEqual(window);
    // The lab's prompt `Q: …=? A:`, a token per character after the beginning-of-sequence token.
    const promptTokens = `Q: ${chain}=? A:`.length + 1;
    expect(await backend.countTokens({ kind: "text", text: `Q: ${chain}=? A:` })).toBe(promptTokens);
    const { status, body } = await post(question, 16);
    expect(status).toBe(400);
    expect(body.error?.code).toBe("context_length_exceeded");
    expect(body.error?.param).toBe("messages");
    expect(body.error?.message).toBe(
      `the prompt (${promptTokens} tokens, counted by the model's tokenizer) plus max_tokens (16) is ${promptTokens + 16} tokens, over the context window of ${window} tokens of model lab-large`,
    );
  });

  it("serves a prompt that fits, and its usage counts the prompt as the check did", async () => {
    const question = "412+307-95=?";
    const { status, body } = await post(question, 16);
    expect(status).toBe(200);
    expect(body.usage?.prompt_tokens).toBe(`Q: ${question} A:`.length + 1);
  });
});
