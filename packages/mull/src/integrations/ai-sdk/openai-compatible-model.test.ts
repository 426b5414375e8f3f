import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genAiProviderName, genAiRequestModel } from "../../telemetry/gen-ai-attributes.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { createAISDKBackend } from "./ai-sdk-backend.ts";
import { mullMiddleware } from "./mull-middleware.ts";

// The AI SDK's own OpenAI-compatible provider over loopback against the fake server: every sample is one
// HTTP request; requests 0, 1, 2 (mod 4) answer 42 and request 3 answers 41, with 5 prompt and 7 output tokens.
let fake: FakeOpenAIServer;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      const answer = request.index % 4 === 3 ? "41" : "42";
      return {
        choices: [{ text: `Six sevens make ${answer}.\n#### ${answer}` }],
        usage: { promptTokens: 5, completionTokens: 7 },
      };
    },
  });
});

afterAll(async () => {
  await fake.close();
});

function wrapped() {
  const base = createOpenAICompatible({ name: "fake", baseURL: fake.url, includeUsage: true }).chatModel(
    "fake-model",
  );
  return wrapLanguageModel({ model: base, middleware: mullMiddleware({ strategy: "sc@8", seed: 5 }) });
}

describe("mullMiddleware around @ai-sdk/openai-compatible", () => {
  it("sends one request per sample and answers with the majority, usage summed over the eight", async () => {
    const before = fake.requests.length;
    const result = await generateText({ model: wrapped(), prompt: "What is 6 * 7?", maxRetries: 0 });

    expect(fake.requests.length - before).toBe(8);
    expect(fake.requests.slice(before).every((request) => request.n === 1)).toBe(true);
    expect(result.text).toBe("Six sevens make 42.\n#### 42");
    expect(result.usage.inputTokens).toBe(8 * 5);
    expect(result.usage.outputTokens).toBe(8 * 7);
    expect(result.providerMetadata?.mull).toMatchObject({
      answer: "42",
      votes: { "42": 6, "41": 2 },
      samples: 8,
    });
  });

  it("streams the chosen text", async () => {
    const result = streamText({ model: wrapped(), prompt: "What is 6 * 7?", maxRetries: 0 });
    let streamed = "";
    for await (const piece of result.textStream) streamed += piece;

    expect(streamed).toBe("Six sevens make 42.\n#### 42");
    expect((await result.usage).outputTokens).toBe(8 * 7);
  });

  it("describes its model so that spans name the provider the AI SDK model was made by", () => {
    const model = createOpenAICompatible({ name: "mullserve", baseURL: fake.url }).chatModel("lab-v2-large");
    const { kind, model: described } = createAISDKBackend(model).describe();
    expect(model.provider).toBe("mullserve.chat");
    expect(genAiProviderName(kind, described)).toBe("mullserve");
    expect(genAiRequestModel(kind, described)).toBe("lab-v2-large");
  });
});
