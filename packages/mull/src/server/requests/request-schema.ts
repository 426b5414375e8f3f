import { z } from "zod";
import { describeValue, issuePath } from "../../runtime/index.ts";
import { ApiError } from "../http/index.ts";

const textPart = z.object({ type: z.literal("text"), text: z.string() });

const toolCall = z.object({
  id: z.string().min(1).max(256),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1).max(256), arguments: z.string() }),
});

const message = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool"]),
    content: z
      .union([z.string(), z.array(textPart).min(1)])
      .nullable()
      .optional(),
    tool_calls: z.array(toolCall).min(1).optional(),
    tool_call_id: z.string().min(1).max(256).optional(),
  })
  .superRefine((value, context) => {
    // Each rule names the field really at fault: a tool-use turn is not a malformed `content`.
    if (value.tool_calls !== undefined && value.role !== "assistant") {
      context.addIssue({
        code: "custom",
        path: ["tool_calls"],
        message: "is allowed only on assistant messages",
      });
    }
    if (value.role === "tool" && value.tool_call_id === undefined) {
      context.addIssue({
        code: "custom",
        path: ["tool_call_id"],
        message: "is required on a tool message (the id of the call it answers)",
      });
    }
    if (value.tool_call_id !== undefined && value.role !== "tool") {
      context.addIssue({
        code: "custom",
        path: ["tool_call_id"],
        message: "is allowed only on tool messages",
      });
    }
    if ((value.content === undefined || value.content === null) && value.tool_calls === undefined) {
      context.addIssue({
        code: "custom",
        path: ["content"],
        message:
          value.role === "assistant"
            ? "is required unless the assistant message has tool_calls"
            : "is required: a string or a non-empty array of text parts",
      });
    }
  });

const tool = z.object({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

/**
 * Fields mull does not model but forwards to an OpenAI-compatible upstream as they are (`extraBody`):
 * OpenAI's and the common server extensions (vLLM, llama.cpp, SGLang).
 */
const forwarded = {
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullable().optional(),
  user: z.string().max(256).nullable().optional(),
  top_k: z.number().int().min(-1).nullable().optional(),
  min_p: z.number().min(0).max(1).nullable().optional(),
  repetition_penalty: z.number().gt(0).nullable().optional(),
};

/** Chat-only fields forwarded as they are: tools, the response format, chat-template arguments. */
const forwardedChat = {
  tools: z.array(tool).min(1).max(128).optional(),
  tool_choice: z
    .union([
      z.enum(["none", "auto", "required"]),
      z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
    ])
    .nullable()
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  response_format: z
    .looseObject({ type: z.enum(["text", "json_object", "json_schema"]) })
    .nullable()
    .optional(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullable().optional(),
};

/** The names of the fields forwarded to the upstream as they are. */
export const forwardedFields: readonly string[] = [...Object.keys(forwarded), ...Object.keys(forwardedChat)];

// Strict, as `budget` is: a misspelt option (`budjet`, `reasoning_budgt`) is refused, never silently dropped.
const mullOptions = z.strictObject({
  /**
   * The most thinking (reasoning) tokens of each sample: sent to an upstream that takes a thinking budget,
   * else enforced by mull with budget forcing (see `planRequest`).
   */
  reasoning_budget: z.number().int().min(1).optional(),
  /** Strategy spec: `sc@8`, `bon@4`, `greedy`, …, or a bare name (`sc`) with `n`. */
  strategy: z.string().min(1).max(64).optional(),
  /** Samples for a strategy given without `@N`. */
  n: z.number().int().min(1).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  answer_format: z.string().min(1).max(32).optional(),
  // Strict: a misspelt limit (`max_call`) is refused, never silently left unenforced.
  budget: z
    .strictObject({
      max_total_tokens: z.number().int().min(1).optional(),
      max_completion_tokens: z.number().int().min(1).optional(),
      max_calls: z.number().int().min(1).optional(),
      max_milliseconds: z.number().int().min(1).optional(),
    })
    .optional(),
});

const common = {
  model: z.string().min(1).max(512),
  n: z.number().int().min(1).optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  mull: mullOptions.nullable().optional(),
  ...forwarded,
};

/** The `mull` object of a request body, for other front ends (`POST /v1/messages`) to take it as it is. */
export const mullRequestOptionsSchema = mullOptions;

/** The fields of `POST /v1/chat/completions` that the server reads; others are unknown (`unknownFieldsOf`). */
export const chatRequestSchema = z.object({
  ...common,
  messages: z.array(message).min(1),
  ...forwardedChat,
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
});

/** The fields of `POST /v1/completions` that the server reads; others are unknown (`unknownFieldsOf`). */
export const completionRequestSchema = z.object({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).length(1)]),
  logprobs: z.number().int().min(0).max(20).nullable().optional(),
});

/**
 * Top-level fields of a request body that its schema does not model, kept as the client sent them
 * (`unknownFieldsOf`): forwarded to an OpenAI-compatible upstream unchanged, refused elsewhere (`forwardedBody`).
 */
export interface UnknownFields {
  readonly unknownFields?: Readonly<Record<string, unknown>> | undefined;
}

export type ChatRequestBody = z.output<typeof chatRequestSchema> & UnknownFields;
export type CompletionRequestBody = z.output<typeof completionRequestSchema> & UnknownFields;
/** The `mull` object of a request body. */
export type MullRequestOptions = z.output<typeof mullOptions>;

/** Body fields that would let a client choose where the server sends its requests (and its keys). */
export const bannedRequestFields: readonly string[] = ["api_base", "base_url", "api_url", "endpoint_url"];

/** Clear messages for the fields clients most often get wrong, by the field's path, else its last segment. */
export const fieldMessages: Readonly<Record<string, string>> = {
  model: "must be a non-empty string naming a model (see GET /v1/models)",
  messages: "must be a non-empty array of messages",
  role: "must be one of system, developer, user, assistant, tool",
  tool_calls:
    'must be a non-empty array of calls { "id", "type": "function", "function": { "name", "arguments" } }',
  arguments: "must be a string (the call's arguments as JSON text)",
  tools: 'must be a non-empty array of { "type": "function", "function": { "name", "parameters" } }',
  tool_choice: 'must be "none", "auto", "required" or { "type": "function", "function": { "name" } }',
  parallel_tool_calls: "must be true or false",
  response_format: 'must be an object such as { "type": "json_object" }',
  logit_bias: "must map token ids to numbers from -100 to 100",
  top_k: "must be an integer (-1 or 0 disables it)",
  min_p: "must be a number from 0 to 1",
  content: "must be a string or a non-empty array of text parts",
  n: "must be an integer of at least 1",
  max_tokens: "must be at least 1 (an integer)",
  max_completion_tokens: "must be at least 1 (an integer)",
  temperature: "must be a number from 0 to 2",
  top_p: "must be a number greater than 0 and at most 1",
  stream: "must be true or false",
  stream_options: 'must be an object such as { "include_usage": true }',
  "stream_options.include_usage": "must be true or false",
  stop: "must be a string or an array of at most 4 strings",
  seed: "must be an integer",
  top_logprobs: "must be an integer from 0 to 20",
  logprobs: "must be true or false (chat) or an integer from 0 to 20 (completions)",
  prompt: "must be a string",
  presence_penalty: "must be a number from -2 to 2",
  frequency_penalty: "must be a number from -2 to 2",
  strategy: "must be a strategy spec such as sc@8, bon@4 or greedy",
  answer_format: "must name an answer format",
  "mull.reasoning_budget": "must be a positive integer (thinking tokens per sample)",
  "mull.budget.max_total_tokens": "must be a positive integer (tokens)",
  "mull.budget.max_completion_tokens": "must be a positive integer (tokens)",
  "mull.budget.max_calls": "must be a positive integer (upstream calls)",
  "mull.budget.max_milliseconds": "must be a positive integer (milliseconds)",
  "mull.budget":
    "must be an object with any of max_total_tokens, max_completion_tokens, max_calls, max_milliseconds",
  mull: "must be an object with any of strategy, n, seed, answer_format, budget, reasoning_budget",
};

/** Longest string a message shows: a mistyped word ("5", "yes"); a longer one may be a pasted key. */
const longestShownString = 16;

/**
 * The value at fault as a message shows it after "got": numbers, booleans, null and strings of up to 16
 * characters as `describeValue` writes them (`"5"` reads as a string); a longer string by its length, and
 * an array or object by its size or kind, since they may hold a key a client pasted.
 */
function shownValue(input: unknown): string {
  if (typeof input === "string") {
    return input.length <= longestShownString
      ? describeValue(input)
      : `a string of ${input.length} characters`;
  }
  if (Array.isArray(input)) {
    return input.length === 0 ? "[]" : `an array of ${input.length} item${input.length === 1 ? "" : "s"}`;
  }
  if (typeof input === "object" && input !== null) return "an object";
  return describeValue(input);
}

/**
 * Validates a parsed body against a request schema. `messages` says what each field expects, by its path
 * or its last segment (default the OpenAI endpoints'). Unknown fields are left out (`unknownFieldsOf` reads
 * them apart); the result holds only fields the server knows, in fresh objects (keys such as `__proto__`
 * in the input never reach it).
 *
 * @throws ApiError 400 `invalid_request_error` whose `param` is the first field at fault
 * (`messages[1].role`) and whose message says what was expected and what was given
 * (`max_tokens must be at least 1 (an integer), got "5"`; see `shownValue`).
 */
export function parseRequestBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  messages: Readonly<Record<string, string>> = fieldMessages,
): z.output<Schema> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "the request body must be a JSON object", { code: "invalid_request_body" });
  }
  for (const field of bannedRequestFields) {
    if (Object.hasOwn(body, field)) {
      throw new ApiError(
        400,
        `${field} is not allowed: this server chooses its upstreams from its own configuration`,
        { param: field, code: "banned_parameter" },
      );
    }
  }
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  // OpenAI's `param`: `messages[2].content`, and none for the body itself.
  const param = issuePath(path, { root: "" });
  const last = [...path].reverse().find((part) => typeof part === "string");
  // A custom rule's own message names the fault better than the field's general expectation.
  const expected =
    issue?.code === "custom"
      ? issue.message
      : (messages[param] ?? (typeof last === "string" ? messages[last] : undefined));
  if (issue?.code === "unrecognized_keys") {
    // Only the strict objects (`mull`, `mull.budget`) refuse unknown fields: name every one, and what is
    // accepted there (each name cut at 64 characters).
    const fields = issue.keys.map((key) => (param === "" ? key : `${param}.${key.slice(0, 64)}`));
    const named =
      fields.length === 1 ? `${fields[0]} is not a known field` : `${fields.join(", ")} are not known fields`;
    throw new ApiError(
      400,
      `${named}: ${param === "" ? "the body" : param} ${expected ?? "has fixed fields"}`,
      {
        param: fields[0],
        code: "unknown_parameter",
      },
    );
  }
  const missing = issue?.code === "invalid_type" && issue.input === undefined;
  const input: unknown = issue?.input;
  // A custom rule's message names the fault itself, and its input is the object the rule read.
  const given = input === undefined || issue?.code === "custom" ? "" : `, got ${shownValue(input)}`;
  const message =
    missing && param !== ""
      ? `${param} is required`
      : `${param === "" ? "the request body" : param} ${expected ?? issue?.message ?? "is invalid"}${given}`;
  throw new ApiError(400, message, { param: param === "" ? undefined : param, code: "invalid_value" });
}
