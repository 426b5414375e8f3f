import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { Usage } from "../../spec/index.ts";
import { serveFakeUpstream } from "../replicas.test-support.ts";
import type { RequestOutcome } from "../requests/index.ts";
import { contentBlocks, messageUsage, stopReasonOf } from "./message-body.ts";
import { messageEndEvents } from "./message-events.ts";

// Anthropic's input counts are disjoint: `input_tokens` excludes what was read from the prompt cache,
// which OpenAI's `prompt_tokens` includes.

function outcomeWith(usage: Usage): RequestOutcome {
  return { choices: [{ text: "4", finishReason: "stop" }], usage, report: undefined };
}

describe("messageUsage", () => {
  it("leaves cache reads out of input_tokens", () => {
    const usage = { promptTokens: 17, completionTokens: 5, cachedPromptTokens: 16, calls: 1 };
    expect(messageUsage(outcomeWith(usage))).toEqual({
      input_tokens: 1,
      output_tokens: 5,
      cache_read_input_tokens: 16,
    });
  });

  it("counts the whole prompt as input when no cache read is reported", () => {
    expect(messageUsage(outcomeWith({ promptTokens: 17, completionTokens: 5, calls: 1 }))).toEqual({
      input_tokens: 17,
      output_tokens: 5,
    });
  });

  it("reports a cache read of 0 and the whole prompt as input", () => {
    const usage = { promptTokens: 17, completionTokens: 5, cachedPromptTokens: 0, calls: 1 };
    expect(messageUsage(outcomeWith(usage))).toEqual({
      input_tokens: 17,
      output_tokens: 5,
      cache_read_input_tokens: 0,
    });
  });

  it("never goes below 0 when an upstream reports more cached tokens than prompt tokens", () => {
    const usage = { promptTokens: 10, completionTokens: 2, cachedPromptTokens: 12, calls: 1 };
    expect(messageUsage(outcomeWith(usage))).toMatchObject({ input_tokens: 0, cache_read_input_tokens: 12 });
  });

  it("reads unknown counts as 0", () => {
    const usage = { promptTokens: undefined, completionTokens: undefined, cachedPromptTokens: 4, calls: 1 };
    expect(messageUsage(outcomeWith(usage))).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 4,
    });
  });

  it("gives the streamed message_delta the same counts", () => {
    const usage = { promptTokens: 17, completionTokens: 5, cachedPromptTokens: 16, calls: 1 };
    expect(messageEndEvents(outcomeWith(usage), undefined)[0]).toMatchObject({
      type: "message_delta",
      usage: { input_tokens: 1, output_tokens: 5, cache_read_input_tokens: 16 },
    });
  });
});

describe("contentBlocks", () => {
  it("gives an empty answer without calls one empty text block", () => {
    expect(contentBlocks({ text: "", finishReason: "stop" })).toEqual([{ type: "text", text: "" }]);
  });

  it("leaves out the empty text of a choice that is only calls", () => {
    const choice = {
      text: "",
      finishReason: "tool_calls" as const,
      toolCalls: [{ id: "a", name: "f", arguments: '{"x":1}' }],
    };
    expect(contentBlocks(choice)).toEqual([{ type: "tool_use", id: "a", name: "f", input: { x: 1 } }]);
  });

  it("reads empty call arguments as an empty input, and keeps arguments that are no object under arguments", () => {
    const blocks = contentBlocks({
      text: "",
      finishReason: "tool_calls",
      toolCalls: [
        { id: "a", name: "f", arguments: "" },
        { id: "b", name: "g", arguments: "[1,2]" },
        { id: "c", name: "h", arguments: "not json" },
      ],
    });
    expect(blocks.map((block) => (block.type === "tool_use" ? block.input : undefined))).toEqual([
      {},
      { arguments: "[1,2]" },
      { arguments: "not json" },
    ]);
  });
});

describe("stopReasonOf", () => {
  it("maps calls, a cut at max_tokens, a named stop string and any other end to Anthropic's reasons", () => {
    expect(stopReasonOf({ text: "", finishReason: "tool_calls" })).toBe("tool_use");
    expect(stopReasonOf({ text: "4", finishReason: "length" })).toBe("max_tokens");
    expect(stopReasonOf({ text: "4", finishReason: "stop", stopSequence: "END" })).toBe("stop_sequence");
    expect(stopReasonOf({ text: "4", finishReason: "stop" })).toBe("end_turn");
  });
});

const key = "sk-cache-usage";
const served = serveFakeUpstream({
  apiKey: key,
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () => "It is 4."),
    usage: { promptTokens: 17, completionTokens: 3, cachedPromptTokens: 16 },
  }),
});
const question = [{ role: "user" as const, content: "What is 2+2?" }];

describe("usage on /v1/messages behind an upstream with a prompt cache", () => {
  const client = () => new Anthropic({ baseURL: served.url, apiKey: key, maxRetries: 0 });

  it("answers the uncached prompt tokens as input_tokens and the cached ones apart", async () => {
    const message = await client().messages.create({
      model: "fake-model",
      max_tokens: 32,
      messages: question,
    });
    expect(message.usage).toMatchObject({ input_tokens: 1, output_tokens: 3, cache_read_input_tokens: 16 });
  });

  it("sums every sample's counts under a strategy, cache reads still apart", async () => {
    const message = await client().messages.create({
      model: "sc@3:fake-model",
      max_tokens: 32,
      messages: question,
      ...({ temperature: 0.7 } as object),
    });
    // Three samples: each reads 16 of its 17 prompt tokens from the cache and writes 3.
    expect(message.usage).toMatchObject({ input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 48 });
  });

  it("sends the same counts in a stream's message_delta", async () => {
    const response = await fetch(`${served.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-model", max_tokens: 32, messages: question, stream: true }),
    });
    const text = await response.text();
    const delta = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice("data: ".length)) as { type: string; usage?: unknown })
      .find((event) => event.type === "message_delta");
    expect(delta?.usage).toEqual({ input_tokens: 1, output_tokens: 3, cache_read_input_tokens: 16 });
  });
});
