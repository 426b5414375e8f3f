import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { parseRequestBody } from "../requests/index.ts";
import { messagesFieldMessages, messagesRequestSchema } from "./messages-schema.ts";

const valid = { model: "m", max_tokens: 64, messages: [{ role: "user", content: "hi" }] };

/** The 400 a messages body gets: its param and message. */
function refusal(body: object) {
  try {
    parseRequestBody(messagesRequestSchema, body, messagesFieldMessages);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(400);
    return { param: error.param, message: error.message };
  }
  throw new Error("expected a 400");
}

describe("messagesFieldMessages: each field's own expectation, by its whole path", () => {
  it.each([
    // A nested `type` is not a content block's type: each tag names its own values and shows the tag given.
    [
      { tool_choice: { type: "anything" } },
      "tool_choice.type",
      'tool_choice.type must be one of auto, any, tool, none, got "anything"',
    ],
    [
      { tool_choice: {} },
      "tool_choice.type",
      "tool_choice.type is required and must be one of auto, any, tool, none",
    ],
    [
      { thinking: { type: "x" } },
      "thinking.type",
      'thinking.type must be one of enabled, disabled, adaptive, between_tools, got "x"',
    ],
    [
      { messages: [{ role: "user", content: [{ type: "video" }] }] },
      "messages[0].content[0].type",
      'messages[0].content[0].type must be one of text, image, document, tool_use, tool_result, thinking, redacted_thinking, got "video"',
    ],
    [{ messages: [5] }, "messages[0]", "messages[0] must be a message object { role, content }, got 5"],
    [
      { messages: [{ role: "system", content: "hi" }] },
      "messages[0].role",
      'messages[0].role must be user or assistant (the system prompt goes in the top-level system field), got "system"',
    ],
    [
      { messages: [{ role: "user", content: [{ type: "tool_use", id: "t", name: "f", input: "{}" }] }] },
      "messages[0].content[0].input",
      'messages[0].content[0].input must be an object (the tool\'s arguments), got "{}"',
    ],
    [
      { metadata: { user_id: 5 } },
      "metadata.user_id",
      "metadata.user_id must be a string of at most 256 characters (an id of the end user), got 5",
    ],
    [
      { thinking: { type: "enabled", budget_tokens: 0 } },
      "thinking.budget_tokens",
      "thinking.budget_tokens must be a positive integer (thinking tokens), got 0",
    ],
    [{ stop_sequences: [""] }, "stop_sequences[0]", 'stop_sequences[0] must be a non-empty string, got ""'],
    [
      { mull: { seed: 4294967296 } },
      "mull.seed",
      "mull.seed must be an integer from 0 to 2147483647, got 4294967296",
    ],
  ])("%j: param %s", (extra, param, message) => {
    expect(refusal({ ...valid, ...extra })).toEqual({ param, message });
  });

  it("says what every listed field must be", () => {
    for (const [field, expected] of Object.entries(messagesFieldMessages)) {
      expect(expected, field).toMatch(/^must be /);
    }
  });

  it("words every refusal of a top-level field as <field> must be <what>, got <value>", () => {
    const wrongValues: readonly unknown[] = [
      5,
      -1,
      1.5,
      "x",
      "sk-ant-0123456789abcdefghij",
      true,
      {},
      [],
      [5],
    ];
    for (const field of Object.keys(messagesRequestSchema.shape)) {
      for (const value of wrongValues) {
        if (messagesRequestSchema.safeParse({ ...valid, [field]: value }).success) continue;
        const { param, message } = refusal({ ...valid, [field]: value });
        expect(param?.startsWith(field), `${field} = ${JSON.stringify(value)}: ${param}`).toBe(true);
        const at = param?.replace(/[.[\]]/g, "\\$&") ?? "";
        expect(message, `${field} = ${JSON.stringify(value)}`).toMatch(
          new RegExp(
            `^${at} (must be .+, got .+|is required.*|is not a known field: .+ must be .+|is .*a server tool.+)$`,
          ),
        );
        expect(message).not.toMatch(
          /Invalid (input|discriminator)|Too (small|big)|expected (string|number|object|array|int|record)|sk-ant/,
        );
      }
    }
  });
});
