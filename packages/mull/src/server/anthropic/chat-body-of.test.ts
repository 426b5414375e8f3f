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
        { role: "system", content: "Be brief." },
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
    // The block's type is at fault, not the content as a whole.
    expect(refusal({ messages: [{ role: "user", content: [{ type: "audio" }] }] })).toEqual([
      400,
      "messages[0].content[0].type",
    ]);
  });
});
