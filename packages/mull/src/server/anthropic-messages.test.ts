import Anthropic from "@anthropic-ai/sdk";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeChoice } from "../testing/fake-openai-server.ts";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// Anthropic's official client against `POST /v1/messages`, over loopback, in front of the fake upstream.

const key = "sk-anthropic-clients";
/** Choices given, in order, to upstream requests that offer tools; then a text answer. */
let script: FakeChoice[] = [];

/** Answers 42 for most seeds and 41 for every third one, so votes are not unanimous. */
function answerFor(seed: unknown): string {
  return typeof seed === "number" && seed % 3 === 0 ? "41" : "42";
}

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, (_, index) => {
      if (request.body?.tools !== undefined) return script.shift() ?? "It is sunny in Paris.";
      // A prefill asked to be continued gets the continuation alone, as vLLM and llama-server send it.
      if (request.body?.continue_final_message === true) return " 42.";
      const seed = typeof request.body?.seed === "number" ? request.body.seed + index : undefined;
      return `Six sevens are ${answerFor(seed)}.\n#### ${answerFor(seed)}`;
    }),
  }),
});

beforeEach(() => {
  script = [];
});

const client = (apiKey = key) => new Anthropic({ baseURL: served.url, apiKey, maxRetries: 0 });
const question = [{ role: "user" as const, content: "What is 6 times 7?" }];

describe("the anthropic client on /v1/messages", () => {
  it("gets a plain message with usage, the system prompt sent upstream first", async () => {
    const before = served.fake.requests.length;
    const message = await client().messages.create({
      model: "fake-model",
      max_tokens: 64,
      system: "Answer briefly.",
      messages: question,
      // Sampling fields this SDK version no longer types, as older clients still send them.
      ...({ temperature: 0.5, top_k: 20 } as object),
      stop_sequences: ["\n\n"],
      metadata: { user_id: "user-7" },
    });
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "fake-model",
      stop_reason: "end_turn",
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([
      { type: "text", text: expect.stringMatching(/^Six sevens are 4[12]\.\n#### 4[12]$/) },
    ]);
    expect(message.usage.output_tokens).toBe(6);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    const sent = served.fake.requests.slice(before)[0]?.body;
    expect(sent).toMatchObject({
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "What is 6 times 7?" },
      ],
      max_tokens: 64,
      temperature: 0.5,
      top_k: 20,
      stop: ["\n\n"],
      user: "user-7",
    });
  });

  it("runs sc@5 named by the model: five samples vote, the answer is the majority", async () => {
    const before = served.fake.requests.length;
    const message = await client().messages.create({
      model: "sc@5:fake-model",
      max_tokens: 64,
      messages: question,
      ...({ temperature: 0.7 } as object),
    });
    const mull = (
      message as unknown as { mull: { votes: Record<string, number>; answer: string; candidates: number } }
    ).mull;
    expect(mull.candidates).toBe(5);
    const votes = Object.entries(mull.votes);
    expect(votes.reduce((sum, [, count]) => sum + count, 0)).toBe(5);
    const majority = votes.sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(mull.answer).toBe(majority);
    expect(message.content).toEqual([
      { type: "text", text: `Six sevens are ${majority}.\n#### ${majority}` },
    ]);
    const generations = served.fake.requests
      .slice(before)
      .filter((request) => request.body?.max_tokens !== 1);
    expect(generations).toHaveLength(5);
    expect(message.usage.output_tokens).toBe(5 * 6);
  });

  for (const model of ["fake-model", "sc@4:fake-model"]) {
    it(`streams ${model} with Anthropic's events in order, and the text reassembles`, async () => {
      const stream = client().messages.stream({
        model,
        max_tokens: 64,
        messages: question,
        temperature: 0.7,
      });
      const types: string[] = [];
      let text = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "content_block_delta" && event.delta.type === "text_delta")
          text += event.delta.text;
      }
      const final = await stream.finalMessage();
      const order = types.filter((type) => type !== "ping");
      expect(order[0]).toBe("message_start");
      expect(order[1]).toBe("content_block_start");
      expect(order.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
      expect(order.slice(2, -3).every((type) => type === "content_block_delta")).toBe(true);
      expect(text).toMatch(/^Six sevens are 4[12]\.\n#### 4[12]$/);
      expect(final.content).toEqual([{ type: "text", text }]);
      expect(final.stop_reason).toBe("end_turn");
      expect(final.usage.output_tokens).toBe(model === "fake-model" ? 6 : 4 * 6);
    });
  }

  it("returns a tool_use block, then answers the follow-up with its tool_result", async () => {
    const tools = [
      {
        name: "get_weather",
        description: "The weather in a city",
        input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
      },
    ];
    script = [{ toolCalls: [{ name: "get_weather", arguments: '{"city":"Paris"}', id: "call_7" }] }];
    const before = served.fake.requests.length;
    const first = await client().messages.create({
      model: "fake-model",
      max_tokens: 64,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      tool_choice: { type: "tool", name: "get_weather" },
    });
    expect(first.stop_reason).toBe("tool_use");
    expect(first.content).toEqual([
      { type: "tool_use", id: "call_7", name: "get_weather", input: { city: "Paris" } },
    ]);
    expect(served.fake.requests[before]?.body).toMatchObject({
      tools: [{ type: "function", function: { name: "get_weather", parameters: tools[0]?.input_schema } }],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const second = await client().messages.create({
      model: "fake-model",
      max_tokens: 64,
      tools,
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_7", content: [{ type: "text", text: "21 C, sun" }] },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content).toEqual([{ type: "text", text: "It is sunny in Paris." }]);
    expect(served.fake.requests.at(-1)?.body?.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_7",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_7", content: "21 C, sun" },
    ]);
  });

  it("streams a tool_use block as input_json_delta", async () => {
    script = [{ toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}', id: "call_8" }] }];
    const stream = client().messages.stream({
      model: "fake-model",
      max_tokens: 64,
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    });
    const deltas: string[] = [];
    for await (const event of stream) {
      if (event.type === "content_block_delta") deltas.push(event.delta.type);
    }
    const final = await stream.finalMessage();
    expect(deltas).toContain("input_json_delta");
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.at(-1)).toEqual({
      type: "tool_use",
      id: "call_8",
      name: "get_weather",
      input: { city: "Oslo" },
    });
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read Anthropic's JSON shapes as they come.
type Json = any;

async function post(body: object, headers: Record<string, string> = { "x-api-key": key }) {
  const response = await fetch(`${served.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

describe("an assistant prefill on /v1/messages", () => {
  const prefilled = [...question, { role: "assistant" as const, content: "The answer is" }];

  it("asks the upstream to continue it, and answers with the continuation alone, whole and streamed", async () => {
    const before = served.fake.requests.length;
    const message = await client().messages.create({
      model: "fake-model",
      max_tokens: 64,
      system: [
        { type: "text", text: "You are helpful." },
        { type: "text", text: "Be brief." },
      ],
      messages: prefilled,
    });
    expect(message.content).toEqual([{ type: "text", text: " 42." }]);
    expect(message.stop_reason).toBe("end_turn");
    const sent = served.fake.requests.slice(before)[0]?.body;
    expect(sent).toMatchObject({
      messages: [
        { role: "system", content: "You are helpful.\nBe brief." },
        { role: "user", content: "What is 6 times 7?" },
        { role: "assistant", content: "The answer is" },
      ],
      continue_final_message: true,
      add_generation_prompt: false,
    });
    const stream = client().messages.stream({ model: "fake-model", max_tokens: 64, messages: prefilled });
    expect((await stream.finalMessage()).content).toEqual([{ type: "text", text: " 42." }]);
  });

  it("is refused under a strategy, naming the message, and sent no further", async () => {
    const before = served.fake.requests.length;
    const { status, json } = await post({ model: "sc@5:fake-model", max_tokens: 64, messages: prefilled });
    expect(status).toBe(400);
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toMatch(
      /^messages\[1\] ends the conversation with the assistant's words to be continued \(a prefill\), which only a request without a strategy does: strategy sc@5/,
    );
    expect(served.fake.requests.length).toBe(before);
  });
});

describe("bad inputs get Anthropic's error shape naming the field", () => {
  it("refuses a request without max_tokens", async () => {
    const { status, json } = await post({ model: "fake-model", messages: question });
    expect(status).toBe(400);
    expect(json).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens is required" },
    });
  });

  it("refuses a bad role, and says where the system prompt goes", async () => {
    const { status, json } = await post({
      model: "fake-model",
      max_tokens: 16,
      messages: [{ role: "system", content: "Be brief." }],
    });
    expect(status).toBe(400);
    expect(json.type).toBe("error");
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toMatch(/^messages\[0\]\.role must be user or assistant/);
  });

  it("refuses an image block with a clear message", async () => {
    const { status, json } = await post({
      model: "fake-model",
      max_tokens: 16,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          ],
        },
      ],
    });
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/^messages\[0\]\.content\[1\]: image blocks are not supported/);
  });

  it("raises the SDK's typed errors: 400, 404 and 401", async () => {
    await expect(
      client().messages.create({
        model: "fake-model",
        max_tokens: 16,
        messages: [{ role: "user", content: [] }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(
      client().messages.create({ model: "nope", max_tokens: 16, messages: question }),
    ).rejects.toMatchObject({ status: 404, error: { type: "error", error: { type: "not_found_error" } } });
    await expect(
      client("sk-wrong").messages.create({ model: "fake-model", max_tokens: 16, messages: question }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("refuses a wrong x-api-key with 401 in Anthropic's shape", async () => {
    const { status, json } = await post(
      { model: "fake-model", max_tokens: 16, messages: question },
      { "x-api-key": "sk-wrong" },
    );
    expect(status).toBe(401);
    expect(json).toEqual({
      type: "error",
      error: { type: "authentication_error", message: expect.stringContaining("x-api-key") },
    });
  });

  it("takes the key as a bearer token too", async () => {
    const { status, json } = await post(
      { model: "fake-model", max_tokens: 16, messages: question },
      { authorization: `Bearer ${key}` },
    );
    expect(status).toBe(200);
    expect(json.type).toBe("message");
  });
});
