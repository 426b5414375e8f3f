import { describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error.ts";
import { chatRequestSchema, completionRequestSchema, parseRequestBody } from "./request-schema.ts";

const chat = { model: "m", messages: [{ role: "user", content: "2+2?" }] };

/** The 400 a body gets: its param and message. */
function refusal(schema: typeof chatRequestSchema | typeof completionRequestSchema, body: object) {
  try {
    parseRequestBody(schema, body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(400);
    return { param: error.param, message: error.message };
  }
  throw new Error("expected a 400");
}

describe("parseRequestBody: what a 400 shows of the value at fault", () => {
  it.each([
    [{ max_tokens: "5" }, "max_tokens", 'max_tokens must be at least 1 (an integer), got "5"'],
    [{ max_tokens: 0 }, "max_tokens", "max_tokens must be at least 1 (an integer), got 0"],
    [{ temperature: "hot" }, "temperature", 'temperature must be a number from 0 to 2, got "hot"'],
    [{ n: null }, "n", "n must be an integer of at least 1, got null"],
    [
      { logprobs: "yes" },
      "logprobs",
      'logprobs must be true or false (chat) or an integer from 0 to 20 (completions), got "yes"',
    ],
    [
      { stream_options: { include_usage: "yes" } },
      "stream_options.include_usage",
      'stream_options.include_usage must be true or false, got "yes"',
    ],
    [{ messages: [] }, "messages", "messages must be a non-empty array of messages, got []"],
    [
      { stop: ["a", "b", "c", "d", "e"] },
      "stop",
      "stop must be a string or an array of at most 4 strings, got an array of 5 items",
    ],
  ])("%j: param %s", (extra, param, message) => {
    expect(refusal(chatRequestSchema, { ...chat, ...extra })).toEqual({ param, message });
  });

  it("shows the value for the completions endpoint's own fields too", () => {
    expect(refusal(completionRequestSchema, { model: "m", prompt: "x", logprobs: true })).toEqual({
      param: "logprobs",
      message: "logprobs must be true or false (chat) or an integer from 0 to 20 (completions), got true",
    });
  });

  it("shows a long string by its length only: it may be a key pasted into the wrong field", () => {
    const pasted = "sk-live-0123456789abcdefghij";
    const { message } = refusal(chatRequestSchema, { ...chat, temperature: pasted });
    expect(message).toBe(
      `temperature must be a number from 0 to 2, got a string of ${pasted.length} characters`,
    );
    const nested = refusal(chatRequestSchema, { ...chat, seed: { key: pasted } });
    expect(nested.message).toBe("seed must be an integer, got an object");
  });

  it("adds nothing to a rule's own message, nor to a missing field", () => {
    expect(refusal(chatRequestSchema, { ...chat, messages: [{ role: "assistant" }] }).message).toBe(
      "messages[0].content is required unless the assistant message has tool_calls",
    );
    expect(refusal(chatRequestSchema, { messages: chat.messages }).message).toBe("model is required");
  });
});
