import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { parseRequestBody } from "../requests/index.ts";
import { chatBodyOf } from "./chat-body-of.ts";
import { messagesFieldMessages, messagesRequestSchema } from "./messages-schema.ts";

const parse = (body: object) =>
  chatBodyOf(
    parseRequestBody(messagesRequestSchema, { model: "m", max_tokens: 64, ...body }, messagesFieldMessages),
  );

describe("chatBodyOf", () => {
  it("maps system blocks, tool turns, tool choices and the thinking budget", () => {
    const body = parse({
      system: [
        { type: "text", text: "Be " },
        { type: "text", text: "brief." },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "look it up", signature: "" },
            { type: "text", text: "Let me see." },
            { type: "tool_use", id: "t1", name: "weather", input: { city: "Oslo" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t1", content: "timeout", is_error: true },
            { type: "text", text: "Try again." },
          ],
        },
      ],
      tools: [{ name: "weather", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      thinking: { type: "enabled", budget_tokens: 32 },
      stream: true,
    });
    expect(body).toEqual({
      model: "m",
      max_tokens: 64,
      messages: [
        { role: "system", content: "Be \nbrief." },
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: "Let me see.",
          tool_calls: [
            { id: "t1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: "tool", tool_call_id: "t1", content: "Error: timeout" },
        { role: "user", content: "Try again." },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      mull: { reasoning_budget: 32 },
    });
    expect(
      parse({ messages: [{ role: "user", content: "x" }], tool_choice: { type: "none" } }).tool_choice,
    ).toBe("none");
    expect(
      parse({ messages: [{ role: "user", content: "x" }], tool_choice: { type: "auto" } }).tool_choice,
    ).toBe("auto");
  });

  it("refuses what it cannot carry, naming the field", () => {
    const refusal = (body: object) => {
      try {
        parse(body);
      } catch (error) {
        return error instanceof ApiError ? [error.status, error.param] : error;
      }
      return undefined;
    };
    expect(
      refusal({
        messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "t", content: "x" }] }],
      }),
    ).toEqual([400, "messages[0].content[0]"]);
    expect(
      refusal({
        messages: [{ role: "user", content: [{ type: "document", source: {} }] }],
      }),
    ).toEqual([400, "messages[0].content[0]"]);
    expect(
      refusal({
        messages: [{ role: "user", content: "x" }],
        thinking: { type: "enabled", budget_tokens: 64 },
      }),
    ).toEqual([400, "thinking.budget_tokens"]);
    // A final assistant message is continued: its tool calls cannot be.
    expect(
      refusal({
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "weather", input: {} }] },
        ],
      }),
    ).toEqual([400, "messages[1]"]);
    // The block's type is at fault, not the content as a whole.
    expect(refusal({ messages: [{ role: "user", content: [{ type: "audio" }] }] })).toEqual([
      400,
      "messages[0].content[0].type",
    ]);
  });

  it("joins text blocks one per line: the system prompt, a message's text, a tool result's", () => {
    const body = parse({
      system: [
        { type: "text", text: "You are helpful." },
        { type: "text", text: "Be brief." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "text", text: "In Oslo." },
          ],
        },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "t1", name: "weather", input: { city: "Oslo" } }],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [
                { type: "text", text: "21 C" },
                { type: "text", text: "sunny" },
              ],
            },
          ],
        },
      ],
    });
    expect(body.messages.map((message) => message.content)).toEqual([
      "You are helpful.\nBe brief.",
      "Weather?\nIn Oslo.",
      null,
      "21 C\nsunny",
    ]);
  });

  it("asks for a final assistant message with text to be continued, naming it for errors", () => {
    const body = parse({
      messages: [
        { role: "user", content: "What is 6 * 7?" },
        { role: "assistant", content: [{ type: "text", text: "The answer is" }] },
      ],
    });
    expect(body.messages.at(-1)).toEqual({ role: "assistant", content: "The answer is" });
    expect(body.continueFinalMessage).toEqual({ param: "messages[1]" });
    // An assistant turn earlier in the conversation is history, not a prefill.
    const history = parse({
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: "What is 6 * 7?" },
      ],
    });
    expect(history.continueFinalMessage).toBeUndefined();
    // With no text to continue (empty, or thinking only), the final assistant message is left out.
    for (const content of ["", [{ type: "thinking", thinking: "hmm", signature: "" }]]) {
      const empty = parse({
        messages: [
          { role: "user", content: "What is 6 * 7?" },
          { role: "assistant", content },
        ],
      });
      expect(empty.messages).toEqual([{ role: "user", content: "What is 6 * 7?" }]);
      expect(empty.continueFinalMessage).toBeUndefined();
    }
  });
});
