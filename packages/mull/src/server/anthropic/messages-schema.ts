import { z } from "zod";
import {
  duplicateNameIssues,
  fieldMessages,
  mullRequestOptionsSchema,
  toolNameSchema,
} from "../requests/index.ts";

const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const imageBlock = z.looseObject({ type: z.literal("image"), source: z.unknown() });
const documentBlock = z.looseObject({ type: z.literal("document"), source: z.unknown() });
const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1).max(256),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
// Earlier turns' thinking comes back as the client received it; it is not sent upstream again.
const thinkingBlock = z.looseObject({ type: z.literal("thinking"), thinking: z.string() });
const redactedThinkingBlock = z.looseObject({ type: z.literal("redacted_thinking") });

const contentBlock = z.discriminatedUnion("type", [
  textBlock,
  imageBlock,
  documentBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

const message = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlock).min(1)]),
});

const customTool = z.object({
  type: z.literal("custom").optional(),
  name: toolNameSchema,
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.string() }),
});

/** A tool type that is safe to echo in a message: Anthropic's server tool types look like this. */
const echoableType = /^[a-z][a-z0-9_]{0,63}$/;

// A server tool (`web_search_20250305`, `code_execution_…`) runs on Anthropic's side with no
// input_schema: it is refused as such, before its missing custom-tool fields are.
const tool = z
  .looseObject({ type: z.unknown().optional() })
  .superRefine((value, context) => {
    if (value.type === undefined || value.type === "custom") return;
    const custom = 'give custom tools { name, description, input_schema } (type "custom" or none)';
    if (typeof value.type !== "string") {
      context.addIssue({
        code: "custom",
        path: ["type"],
        message: `must be "custom" or left out: ${custom}`,
      });
      return;
    }
    const named = echoableType.test(value.type) ? ` "${value.type}",` : "";
    context.addIssue({
      code: "custom",
      path: ["type"],
      message: `is${named} a server tool, which Anthropic runs on its own side; server tools are not supported here: ${custom}`,
    });
  })
  .pipe(customTool);

const toolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({
    type: z.literal("tool"),
    name: z.string().min(1).max(64),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.object({ type: z.literal("none") }),
]);

const thinking = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enabled"), budget_tokens: z.number().int().min(1) }),
  z.object({ type: z.literal("disabled") }),
  // The model decides how long it thinks: no budget to keep.
  z.looseObject({ type: z.literal("adaptive") }),
  z.looseObject({ type: z.literal("between_tools") }),
]);

/**
 * The top-level fields of Anthropic's `POST /v1/messages` that the server takes: `max_tokens` is required,
 * as Anthropic requires it, and `mull` takes the same object as on chat completions. `service_tier`,
 * `cache_control` and `context_management` are accepted and change nothing here: this server has one
 * tier, its upstreams cache prompts by themselves, and the conversation goes to the model whole (earlier
 * turns' thinking is dropped in any case). Claude Code sends `context_management` with its requests. Any
 * other top-level field is refused (`refuseUnknownMessageFields`). A tool name given twice is refused here;
 * a `tool_choice` naming no tool offered, or other than `none` without tools, when the request is planned
 * (`planRequest`).
 */
export const messagesRequestSchema = z.object({
  model: z.string().min(1).max(512),
  max_tokens: z.number().int().min(1),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string().min(1)).max(16).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.object({ user_id: z.string().max(256).nullable().optional() }).optional(),
  tools: z
    .array(tool)
    .min(1)
    .max(128)
    .superRefine((tools, context) => {
      const names = tools.map((entry) => entry.name);
      for (const issue of duplicateNameIssues(names, (index) => ["tools", index, "name"])) {
        // The path under `tools`, where this check runs.
        context.addIssue({ code: "custom", path: issue.path.slice(1), message: issue.message });
      }
    })
    .optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
  cache_control: z.looseObject({ type: z.string() }).nullable().optional(),
  context_management: z.looseObject({}).nullable().optional(),
  mull: mullRequestOptionsSchema.nullable().optional(),
});

/** A validated `POST /v1/messages` body. */
export type MessagesRequestBody = z.output<typeof messagesRequestSchema>;
/** One message of a `MessagesRequestBody`. */
export type MessagesRequestMessage = MessagesRequestBody["messages"][number];

/**
 * What each field of a messages request expects, by its path with array indices left out
 * (`messages[].content[].type`), for the 400's message; `mull.*` and the sampling fields it shares with
 * chat completions read as there (`fieldMessages`).
 */
export const messagesFieldMessages: Readonly<Record<string, string>> = {
  ...fieldMessages,
  messages: "must be a non-empty array of { role, content } messages",
  "messages[]": "must be a message object { role, content }",
  "messages[].role": "must be user or assistant (the system prompt goes in the top-level system field)",
  "messages[].content":
    "must be a string or a non-empty array of content blocks (text, image, document, tool_use, tool_result, thinking)",
  "messages[].content[]": "must be a content block { type, … }",
  "messages[].content[].type":
    "must be one of text, image, document, tool_use, tool_result, thinking, redacted_thinking",
  "messages[].content[].text": "must be a string (the block's text)",
  "messages[].content[].id": "must be the tool_use block's id (1 to 256 characters)",
  "messages[].content[].name": "must be the name of the tool called (1 to 256 characters)",
  "messages[].content[].input": "must be an object (the tool's arguments)",
  "messages[].content[].tool_use_id":
    "must be the id of the tool_use block this result answers (1 to 256 characters)",
  "messages[].content[].content": "must be a string or an array of text and image blocks",
  "messages[].content[].is_error": "must be true or false",
  "messages[].content[].thinking": "must be a string (the thinking as the client received it)",
  max_tokens: "must be an integer of at least 1",
  temperature: "must be a number from 0 to 1",
  top_k: "must be an integer of at least 0",
  system: "must be a string or an array of text blocks",
  "system[]": 'must be a text block { "type": "text", "text" }',
  stop_sequences: "must be an array of at most 16 non-empty strings",
  "stop_sequences[]": "must be a non-empty string",
  tools: "must be a non-empty array of at most 128 { name, description, input_schema }",
  "tools[]": "must be a tool { name, description, input_schema }",
  "tools[].type": 'must be "custom" or left out (server tools are not supported here)',
  "tools[].name": "must be a tool name of 1 to 64 characters",
  "tools[].description": "must be a string",
  "tools[].input_schema": 'must be a JSON schema object such as { "type": "object", "properties": { … } }',
  tool_choice: 'must be { "type": "auto" | "any" | "none" } or { "type": "tool", "name" }',
  "tool_choice.type": "must be one of auto, any, tool, none",
  "tool_choice.name": "must be the name of one of the tools",
  "tool_choice.disable_parallel_tool_use": "must be true or false",
  thinking:
    'must be { "type": "enabled", "budget_tokens": N }, { "type": "disabled" } or { "type": "adaptive" }',
  "thinking.type": "must be one of enabled, disabled, adaptive, between_tools",
  "thinking.budget_tokens": "must be a positive integer (thinking tokens)",
  metadata: "must be an object such as { user_id }",
  "metadata.user_id": "must be a string of at most 256 characters (an id of the end user)",
  service_tier: 'must be "auto" or "standard_only"',
  cache_control: 'must be an object such as { "type": "ephemeral" }',
  "cache_control.type": 'must be a string such as "ephemeral"',
  context_management: "must be an object such as { edits: [ … ] }",
};
