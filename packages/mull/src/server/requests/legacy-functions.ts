import { z } from "zod";
import { ApiError } from "../http/index.ts";
import type { ClientFields } from "./client-fields.ts";
import { addToolIssues, toolNameSchema } from "./offered-tools.ts";
import { parseRequestBody } from "./request-schema.ts";

type Json = Record<string, unknown>;

const legacyFunction = z.looseObject({
  name: toolNameSchema,
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const legacySchema = z
  .object({
    // Null reads as absent, as on every field OpenAI marks nullable.
    functions: z.array(legacyFunction).min(1).max(128).nullable().optional(),
    function_call: z
      .union([z.enum(["none", "auto"]), z.object({ name: z.string().min(1) })])
      .nullable()
      .optional(),
    // Read only to leave a function_call beside tools to the chat schema's checks.
    tools: z.unknown().optional(),
  })
  .superRefine((body, context) => {
    // Sent beside tools, a function_call names one of them: the chat schema checks it there.
    if (body.tools != null) return;
    const choice = body.function_call ?? undefined;
    addToolIssues(context, {
      names: body.functions?.map((entry) => entry.name) ?? undefined,
      namePath: (index) => ["functions", index, "name"],
      choice,
      choiceDeclines: choice === "none",
      fields: { tools: "functions", choice: "function_call" },
      chosen: typeof choice === "object" ? { name: choice.name, path: ["function_call", "name"] } : undefined,
    });
  });

const legacyMessages: Readonly<Record<string, string>> = {
  functions: 'must be a non-empty array of { "name", "parameters" } (deprecated: use tools)',
  function_call: 'must be "none", "auto" or { "name" } (deprecated: use tool_choice)',
  "functions[]": 'must be a function { "name", "parameters" } (deprecated: use tools)',
  "functions[].name": "must be a function name of 1 to 64 characters",
  "function_call.name": "must be the name of one of the functions",
  "functions[].parameters": "must be a JSON schema object",
};

/** A chat body read with OpenAI's deprecated function calling mapped onto tools. */
export interface LegacyFunctionsBody {
  /** The body as the chat schema reads it: `tools`, `tool_choice`, `tool_calls` and `tool` messages. */
  readonly body: unknown;
  /** Whether the request offered `functions`: its answer then names a call as `message.function_call`. */
  readonly legacy: boolean;
  /** `tools` and `tool_choice` where they were sent as `functions` and `function_call`, for errors to name those. */
  readonly clientFields?: ClientFields | undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refuse(param: string, message: string): never {
  throw new ApiError(400, `${param} ${message}`, { param, code: "invalid_value" });
}

/**
 * The messages of a legacy conversation in today's shape: an assistant's `function_call` becomes one
 * `tool_calls` entry (with an id made up from its position, as the legacy shape has none), and each
 * `function` message the `tool` message answering the latest call of that name not answered yet.
 */
function mappedMessages(messages: readonly unknown[]): unknown[] {
  const unanswered: { id: string; name: string }[] = [];
  return messages.map((message, position) => {
    if (!isObject(message)) return message;
    const at = `messages[${position}]`;
    if (
      message.role === "assistant" &&
      message.function_call !== undefined &&
      message.function_call !== null
    ) {
      const call = message.function_call;
      if (!isObject(call) || typeof call.name !== "string" || call.name === "") {
        refuse(`${at}.function_call`, 'must be { "name", "arguments" } (deprecated: use tool_calls)');
      }
      if (typeof call.arguments !== "string") {
        refuse(`${at}.function_call.arguments`, "must be a string (the call's arguments as JSON text)");
      }
      if (message.tool_calls != null) {
        refuse(`${at}.function_call`, "cannot be given with tool_calls: use tool_calls alone");
      }
      const id = `call_function_${position}`;
      unanswered.push({ id, name: call.name });
      const { function_call: _, ...rest } = message;
      return {
        ...rest,
        tool_calls: [{ id, type: "function", function: { name: call.name, arguments: call.arguments } }],
      };
    }
    if (message.role !== "function") return message;
    if (typeof message.name !== "string" || message.name === "") {
      refuse(`${at}.name`, "is required on a function message (the function whose result it holds)");
    }
    const answered = unanswered.findLastIndex((call) => call.name === message.name);
    if (answered < 0) {
      refuse(`${at}.name`, `names no earlier assistant function_call to ${JSON.stringify(message.name)}`);
    }
    const [call] = unanswered.splice(answered, 1);
    const { name: _, ...rest } = message;
    return { ...rest, role: "tool", tool_call_id: call?.id };
  });
}

/**
 * Maps OpenAI's deprecated function calling (still sent by older clients) onto tools, before the chat
 * schema reads the body: `functions` becomes `tools`, `function_call` `tool_choice` (`"none"`, `"auto"`, or
 * `{ "name" }` as `{ "type": "function", "function": { "name" } }`), and a legacy conversation's
 * assistant `function_call` and `function` messages become `tool_calls` and `tool` messages. The plan,
 * the strategies' vote over calls and the upstream then see tools only; a request that offered
 * `functions` is answered in the legacy shape (`legacyFunctionBody`, `legacyFunctionChunks`), which holds
 * one call, so the upstream is asked for one (`parallel_tool_calls: false`). A body without any legacy
 * field is returned as it is.
 *
 * @throws ApiError 400 naming the field: `functions` with `tools`, `function_call` with `tool_choice`,
 * `parallel_tool_calls: true` with `functions`, a malformed legacy field, a function name given twice, a
 * `function_call` other than `"none"` without functions or naming none of them, or a `function` message
 * that answers no earlier call.
 * @example
 * legacyFunctions({ model: "m", messages, functions: [{ name: "get_weather", parameters }] });
 * // { body: { model: "m", messages, tools: [{ type: "function", function: { name: "get_weather", parameters } }] }, legacy: true }
 */
export function legacyFunctions(raw: unknown): LegacyFunctionsBody {
  if (!isObject(raw)) return { body: raw, legacy: false };
  const messages = Array.isArray(raw.messages) ? raw.messages : [];
  const legacyHistory = messages.some(
    (message) =>
      isObject(message) &&
      (message.role === "function" ||
        (message.function_call !== undefined && message.function_call !== null)),
  );
  if (raw.functions == null && raw.function_call == null && !legacyHistory) {
    return { body: raw, legacy: false };
  }
  const legacy = parseRequestBody(legacySchema, raw, legacyMessages);
  if (legacy.functions != null && raw.tools != null) {
    refuse("functions", "cannot be given with tools: functions is deprecated, send tools alone");
  }
  if (legacy.function_call != null && raw.tool_choice != null) {
    refuse(
      "function_call",
      "cannot be given with tool_choice: function_call is deprecated, send tool_choice alone",
    );
  }
  if (legacy.functions != null && raw.parallel_tool_calls === true) {
    refuse(
      "parallel_tool_calls",
      "cannot be true with functions: a function_call answer holds one call; send tools to take parallel calls",
    );
  }
  const { functions: _functions, function_call: _call, ...rest } = raw;
  const choice = legacy.function_call;
  return {
    body: {
      ...rest,
      messages: Array.isArray(raw.messages) ? mappedMessages(raw.messages) : raw.messages,
      // One call at most: the legacy answer holds one, and a second would be dropped.
      ...(legacy.functions == null
        ? {}
        : {
            tools: legacy.functions.map((fn) => ({ type: "function", function: fn })),
            parallel_tool_calls: false,
          }),
      ...(choice === undefined || choice === null
        ? {}
        : {
            tool_choice:
              typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } },
          }),
    },
    legacy: legacy.functions != null,
    clientFields: {
      ...(legacy.functions == null ? {} : { tools: "functions" }),
      ...(choice === undefined || choice === null ? {} : { tool_choice: "function_call" }),
    },
  };
}

/**
 * The body or chunk with a note in its `mull.notes` that the calls past the first were left out (`most`
 * calls in one choice, more than the legacy shape holds): an upstream that made them despite
 * `parallel_tool_calls: false`.
 */
function withLeftOutCalls(carrier: Json, most: number): Json {
  const mull = isObject(carrier.mull) ? carrier.mull : {};
  const notes = Array.isArray(mull.notes) ? mull.notes : [];
  const note = `the model made ${most} function calls in one answer, and a function_call holds one: the first was returned, the rest left out (send tools instead of functions to take every call)`;
  return { ...carrier, mull: { ...mull, notes: [...notes, note] } };
}

/**
 * A whole `chat.completion` in the legacy function-calling shape: a choice's first call as
 * `message.function_call` (the legacy shape holds one call; `mull.notes` says so where the upstream made
 * more), and `finish_reason: "function_call"`.
 */
export function legacyFunctionBody(body: Json): Json {
  if (!Array.isArray(body.choices)) return body;
  let most = 1;
  const mapped = {
    ...body,
    choices: body.choices.map((choice: unknown) => {
      if (!isObject(choice) || !isObject(choice.message)) return choice;
      const { tool_calls: calls, ...message } = choice.message;
      if (!Array.isArray(calls) || !isObject(calls[0]) || !isObject(calls[0].function)) return choice;
      most = Math.max(most, calls.length);
      const { name, arguments: args } = calls[0].function;
      return {
        ...choice,
        message: { ...message, function_call: { name, arguments: args } },
        finish_reason: choice.finish_reason === "tool_calls" ? "function_call" : choice.finish_reason,
      };
    }),
  };
  return most > 1 ? withLeftOutCalls(mapped, most) : mapped;
}

/**
 * Stream chunks in the legacy function-calling shape: the first call's `delta.tool_calls` pieces become
 * `delta.function_call` pieces (its name first, then its arguments), the other calls' pieces are left
 * out (the last chunk's `mull.notes` says so), and `finish_reason: "tool_calls"` becomes `"function_call"`.
 */
export function legacyFunctionChunks(chunks: readonly Json[]): Json[] {
  let most = 1;
  for (const chunk of chunks) {
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const pieces = isObject(choice) && isObject(choice.delta) ? choice.delta.tool_calls : undefined;
      for (const piece of Array.isArray(pieces) ? pieces : []) {
        if (isObject(piece) && typeof piece.index === "number") most = Math.max(most, piece.index + 1);
      }
    }
  }
  const mapped = chunks.flatMap((chunk) => {
    if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) return [chunk];
    const choices = chunk.choices.flatMap((choice: unknown) => {
      if (!isObject(choice)) return [choice];
      const finish = choice.finish_reason === "tool_calls" ? { finish_reason: "function_call" } : {};
      const delta = choice.delta;
      if (!isObject(delta) || !Array.isArray(delta.tool_calls)) return [{ ...choice, ...finish }];
      const { tool_calls: pieces, ...rest } = delta;
      const piece = pieces.find((entry: unknown) => isObject(entry) && (entry.index ?? 0) === 0);
      if (!isObject(piece) || !isObject(piece.function)) return [];
      const { name, arguments: args } = piece.function;
      const call = { ...(name === undefined ? {} : { name }), arguments: args ?? "" };
      return [{ ...choice, ...finish, delta: { ...rest, function_call: call } }];
    });
    return choices.length === 0 ? [] : [{ ...chunk, choices }];
  });
  const last = mapped.at(-1);
  return most > 1 && last !== undefined ? [...mapped.slice(0, -1), withLeftOutCalls(last, most)] : mapped;
}
