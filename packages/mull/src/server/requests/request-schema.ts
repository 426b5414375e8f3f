import { z } from "zod";
import { ApiError } from "../http/index.ts";

const textPart = z.object({ type: z.literal("text"), text: z.string() });

const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z.union([z.string(), z.array(textPart).min(1)]),
});

const mullOptions = z.object({
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
};

/** The fields of `POST /v1/chat/completions` that the server reads; others are ignored. */
export const chatRequestSchema = z.object({
  ...common,
  messages: z.array(message).min(1),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
});

/** The fields of `POST /v1/completions` that the server reads; others are ignored. */
export const completionRequestSchema = z.object({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).length(1)]),
  logprobs: z.number().int().min(0).max(20).nullable().optional(),
});

export type ChatRequestBody = z.output<typeof chatRequestSchema>;
export type CompletionRequestBody = z.output<typeof completionRequestSchema>;
/** The `mull` object of a request body. */
export type MullRequestOptions = z.output<typeof mullOptions>;

/** Body fields that would let a client choose where the server sends its requests (and its keys). */
export const bannedRequestFields: readonly string[] = ["api_base", "base_url", "api_url", "endpoint_url"];

/** Clear messages for the fields clients most often get wrong, by the field's path, else its last segment. */
const fieldMessages: Readonly<Record<string, string>> = {
  model: "must be a non-empty string naming a model (see GET /v1/models)",
  messages: "must be a non-empty array of messages",
  role: "must be one of system, developer, user, assistant",
  content: "must be a string or a non-empty array of text parts",
  n: "must be an integer of at least 1",
  max_tokens: "must be at least 1 (an integer)",
  max_completion_tokens: "must be at least 1 (an integer)",
  temperature: "must be a number from 0 to 2",
  top_p: "must be a number greater than 0 and at most 1",
  stream: "must be true or false",
  stream_options: 'must be an object such as { "include_usage": true }',
  stop: "must be a string or an array of at most 4 strings",
  seed: "must be an integer",
  top_logprobs: "must be an integer from 0 to 20",
  logprobs: "has the wrong type or range",
  prompt: "must be a string",
  presence_penalty: "must be a number from -2 to 2",
  frequency_penalty: "must be a number from -2 to 2",
  strategy: "must be a strategy spec such as sc@8, bon@4 or greedy",
  answer_format: "must name an answer format",
  "mull.budget.max_total_tokens": "must be a positive integer (tokens)",
  "mull.budget.max_completion_tokens": "must be a positive integer (tokens)",
  "mull.budget.max_calls": "must be a positive integer (upstream calls)",
  "mull.budget.max_milliseconds": "must be a positive integer (milliseconds)",
  "mull.budget":
    "must be an object with any of max_total_tokens, max_completion_tokens, max_calls, max_milliseconds",
};

/** `messages[2].content`, from a path. */
export function paramPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  }
  return text;
}

/**
 * Validates a parsed body against a request schema. Unknown fields are dropped; the result holds only
 * fields the server knows, in fresh objects (keys such as `__proto__` in the input never reach it).
 *
 * @throws ApiError 400 `invalid_request_error` whose `param` is the first field at fault
 * (`messages[1].role`) and whose message says what was expected.
 */
export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
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
  const param = paramPath(path);
  const last = [...path].reverse().find((part) => typeof part === "string");
  const expected = fieldMessages[param] ?? (typeof last === "string" ? fieldMessages[last] : undefined);
  if (issue?.code === "unrecognized_keys") {
    // Only the strict `mull.budget` refuses unknown fields: name the field, and what is accepted there.
    const field = param === "" ? issue.keys[0] : `${param}.${issue.keys[0]}`;
    throw new ApiError(
      400,
      `${field} is not a known field: ${param === "" ? "the body" : param} ${expected ?? "has fixed fields"}`,
      { param: field, code: "unknown_parameter" },
    );
  }
  const missing = issue?.code === "invalid_type" && issue.input === undefined;
  // Numbers and booleans are echoed; strings never are (clients have pasted keys into fields).
  const input: unknown = issue?.input;
  const given = typeof input === "number" || typeof input === "boolean" ? `, got ${input}` : "";
  const message =
    missing && param !== ""
      ? `${param} is required`
      : `${param === "" ? "the request body" : param} ${expected ?? issue?.message ?? "is invalid"}${given}`;
  throw new ApiError(400, message, { param: param === "" ? undefined : param, code: "invalid_value" });
}
