import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { ChatOpenAI } from "@langchain/openai";
import { generateText, streamText } from "ai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// The official clients people point at the proxy, over loopback, against the fake upstream.

const key = "sk-sdk-clients";

/** Answers 42 for most seeds and 41 for every third one, so votes are not unanimous. */
function answerFor(seed: unknown): string {
  return typeof seed === "number" && seed % 3 === 0 ? "41" : "42";
}

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50, advertisedStrategies: ["sc@8"] },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, (_, index) => {
      const seed = typeof request.body?.seed === "number" ? request.body.seed + index : undefined;
      return `Six sevens are ${answerFor(seed)}.\n#### ${answerFor(seed)}`;
    }),
  }),
});
/** The replica's OpenAI base URL, as the clients take it. */
const baseURL = () => `${served.url}/v1`;

describe("the openai client", () => {
  const client = () => new OpenAI({ baseURL: baseURL(), apiKey: key, maxRetries: 0 });

  it("gets a plain completion with usage", async () => {
    const completion = await client().chat.completions.create({
      model: "fake-model",
      messages: [{ role: "user", content: "What is 6 times 7?" }],
      seed: 1,
    });
    expect(completion.choices[0]?.message.content).toBe("Six sevens are 42.\n#### 42");
    // The fake upstream counts one token per word: "Six", "sevens", "are", "42.", "####", "42".
    expect(completion.usage?.completion_tokens).toBe(6);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it("runs a strategy named by the model and reads the mull object", async () => {
    const before = served.fake.requests.length;
    const completion = await client().chat.completions.create({
      model: "sc@6:fake-model",
      messages: [{ role: "user", content: "What is 6 times 7?" }],
      temperature: 0.7,
    });
    const mull = (
      completion as unknown as { mull: { votes: Record<string, number>; candidates: number; answer: string } }
    ).mull;
    expect(mull.candidates).toBe(6);
    expect(Object.values(mull.votes).reduce((sum, count) => sum + count, 0)).toBe(6);
    expect(completion.choices[0]?.message.content).toBe(
      `Six sevens are ${mull.answer}.\n#### ${mull.answer}`,
    );
    const generations = served.fake.requests
      .slice(before)
      .filter((request) => request.body?.max_tokens !== 1);
    expect(generations).toHaveLength(6);
    expect(completion.usage?.completion_tokens).toBe(generations.length * 6);
  });

  it("streams, with the usage chunk", async () => {
    const stream = await client().chat.completions.create({
      model: "sc@4:fake-model",
      messages: [{ role: "user", content: "What is 6 times 7?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toMatch(/^Six sevens are 4[12]\.\n#### 4[12]$/);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBe(4 * 6);
  });

  it("uses the completions endpoint", async () => {
    const completion = await client().completions.create({
      model: "fake-model",
      prompt: "Q: 6*7? A:",
      seed: 2,
    });
    expect(completion.choices[0]?.text).toBe("Six sevens are 42.\n#### 42");
  });

  it("lists models with strategy models", async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toEqual(["fake-model", "sc@8:fake-model"]);
  });

  it("sends a message's text parts upstream one per line, and names max_completion_tokens in a refusal", async () => {
    const before = served.fake.requests.length;
    await client().chat.completions.create({
      model: "fake-model",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Hello" },
            { type: "text", text: "world" },
          ],
        },
      ],
    });
    expect(served.fake.requests.slice(before)[0]?.body?.messages).toEqual([
      { role: "user", content: "Hello\nworld" },
    ]);
    const refused = client().chat.completions.create({
      model: "fake-model",
      messages: [{ role: "user", content: "x" }],
      max_completion_tokens: 50,
      ...({ mull: { reasoning_budget: 60 } } as object),
    });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      param: "mull.reasoning_budget",
      message: expect.stringMatching(/must be less than max_completion_tokens \(50\)/),
    });
  });

  it("raises typed errors for refusals", async () => {
    await expect(
      client().chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    const wrong = new OpenAI({ baseURL: baseURL(), apiKey: "sk-wrong", maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("LangChain ChatOpenAI", () => {
  const model = () =>
    new ChatOpenAI({
      model: "sc@4:fake-model",
      apiKey: key,
      configuration: { baseURL: baseURL() },
      maxRetries: 0,
      temperature: 0.7,
    });

  it("invokes", async () => {
    const message = await model().invoke("What is 6 times 7?");
    expect(String(message.content)).toMatch(/^Six sevens are 4[12]\.\n#### 4[12]$/);
    const usage = (message as unknown as { usage_metadata?: { output_tokens?: number } }).usage_metadata;
    expect(usage?.output_tokens).toBe(4 * 6);
  });

  it("streams", async () => {
    let text = "";
    for await (const chunk of await model().stream("What is 6 times 7?")) text += String(chunk.content);
    expect(text).toMatch(/^Six sevens are 4[12]\.\n#### 4[12]$/);
  });
});

describe("the AI SDK openai-compatible provider", () => {
  const provider = () =>
    createOpenAICompatible({ name: "mull", baseURL: baseURL(), apiKey: key, includeUsage: true });

  it("generates text with usage", async () => {
    const result = await generateText({
      model: provider().chatModel("sc@4:fake-model"),
      prompt: "What is 6 times 7?",
      maxRetries: 0,
    });
    expect(result.text).toMatch(/^Six sevens are 4[12]\.\n#### 4[12]$/);
    expect(result.usage.outputTokens).toBe(4 * 6);
  });

  it("streams text", async () => {
    const result = streamText({
      model: provider().chatModel("fake-model"),
      prompt: "What is 6 times 7?",
      maxRetries: 0,
    });
    let text = "";
    for await (const part of result.textStream) text += part;
    expect(text).toMatch(/^Six sevens are 4[12]\.\n#### 4[12]$/);
    expect((await result.usage).outputTokens).toBe(6);
  });
});
