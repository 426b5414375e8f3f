import { ApiError } from "../http/index.ts";
import { type ChatRequestBody, type ClientFields, joinTextParts } from "../requests/index.ts";
import type { MessagesRequestBody, MessagesRequestMessage } from "./messages-schema.ts";

type ChatMessage = ChatRequestBody["messages"][number];
type Block = Exclude<MessagesRequestMessage["content"], string>[number];

function refuse(param: string, message: string): ApiError {
  return new ApiError(400, `${param}: ${message}`, { param, code: "invalid_value" });
}

/** The text of a tool result: a string, or its text blocks joined (`joinTextParts`); an image in it is refused. */
function resultText(block: Extract<Block, { type: "tool_result" }>, param: string): string {
  const content = block.content ?? "";
  const text =
    typeof content === "string"
      ? content
      : joinTextParts(
          content.map((part, index) => {
            if (part.type !== "text") {
              throw refuse(`${param}.content[${index}]`, "image blocks are not supported by this server");
            }
            return part.text;
          }),
        );
  // OpenAI's tool message has no error flag: the model reads it from the text.
  return block.is_error === true ? `Error: ${text}` : text;
}

/** One Anthropic message as chat messages: a user turn's tool results become `tool` messages, first. */
function chatMessages(message: MessagesRequestMessage, index: number): ChatMessage[] {
  if (typeof message.content === "string") return [{ role: message.role, content: message.content }];
  const texts: string[] = [];
  const results: ChatMessage[] = [];
  const calls: NonNullable<ChatMessage["tool_calls"]> = [];
  message.content.forEach((block, position) => {
    const param = `messages[${index}].content[${position}]`;
    switch (block.type) {
      case "text":
        texts.push(block.text);
        return;
      case "image":
      case "document":
        throw refuse(
          param,
          `${block.type} blocks are not supported by this server: its models read text only`,
        );
      case "tool_use":
        if (message.role !== "assistant") throw refuse(param, "tool_use blocks belong to assistant messages");
        calls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        });
        return;
      case "tool_result":
        if (message.role !== "user") throw refuse(param, "tool_result blocks belong to user messages");
        results.push({ role: "tool", tool_call_id: block.tool_use_id, content: resultText(block, param) });
        return;
      default:
        // Thinking from earlier turns is the client's record; the upstream does not get it back.
        return;
    }
  });
  const text = joinTextParts(texts);
  if (message.role === "assistant") {
    if (calls.length > 0)
      return [{ role: "assistant", content: text === "" ? null : text, tool_calls: calls }];
    return [{ role: "assistant", content: text }];
  }
  return texts.length === 0 ? results : [...results, { role: "user", content: text }];
}

function toolChoiceOf(
  choice: MessagesRequestBody["tool_choice"],
): Pick<ChatRequestBody, "tool_choice" | "parallel_tool_calls"> {
  if (choice === undefined) return {};
  const parallel =
    choice.type !== "none" && choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  if (choice.type === "tool") {
    return { tool_choice: { type: "function", function: { name: choice.name } }, ...parallel };
  }
  return { tool_choice: choice.type === "any" ? "required" : choice.type, ...parallel };
}

/**
 * The conversation as chat messages, and the field of its final assistant message to continue when it
 * ends with one (a prefill, which Anthropic's API continues rather than answers): an assistant message
 * last, with text, is continued; one without text (empty, or thinking only) has nothing to continue and is
 * left out, as if not sent (unless it is the only message); one with `tool_use` blocks is refused.
 */
function conversationOf(body: MessagesRequestBody): {
  readonly messages: ChatMessage[];
  readonly continueFinalMessage: ChatRequestBody["continueFinalMessage"];
} {
  const system =
    body.system === undefined
      ? []
      : [
          {
            role: "system" as const,
            content:
              typeof body.system === "string"
                ? body.system
                : joinTextParts(body.system.map((block) => block.text)),
          },
        ];
  const messages: ChatMessage[] = [...system, ...body.messages.flatMap(chatMessages)];
  const index = body.messages.length - 1;
  const last = messages.at(-1);
  if (body.messages[index]?.role !== "assistant" || last === undefined) {
    return { messages, continueFinalMessage: undefined };
  }
  const param = `messages[${index}]`;
  if (last.tool_calls !== undefined) {
    throw refuse(
      param,
      "the conversation ends with this assistant message, which would be continued as a prefill, but its tool_use blocks cannot be continued: send their tool_result blocks in a user message after it",
    );
  }
  if (last.content !== "") return { messages, continueFinalMessage: { param } };
  return { messages: index === 0 ? messages : messages.slice(0, -1), continueFinalMessage: undefined };
}

/** The `mull` object, with the thinking budget as `reasoning_budget`. */
function mullOf(body: MessagesRequestBody): ChatRequestBody["mull"] {
  const mull = body.mull ?? undefined;
  const budget = body.thinking?.type === "enabled" ? body.thinking.budget_tokens : undefined;
  if (budget === undefined) return mull;
  if (budget >= body.max_tokens) {
    throw refuse(
      "thinking.budget_tokens",
      `must be less than max_tokens (${body.max_tokens}), got ${budget}`,
    );
  }
  if (mull?.reasoning_budget !== undefined && mull.reasoning_budget !== budget) {
    throw refuse(
      "mull.reasoning_budget",
      `contradicts thinking.budget_tokens (${budget}); give the budget once`,
    );
  }
  return { ...mull, reasoning_budget: budget };
}

/**
 * Maps a validated Anthropic messages request onto a chat completions request, so that it is planned and
 * served as one: `system` becomes the first message, text blocks join into a message's content (one per
 * line, `joinTextParts`), `tool_use` blocks become the assistant's `tool_calls` and `tool_result` blocks
 * `tool` messages (an error result's text begins `Error: `), earlier turns' thinking is dropped; a final
 * assistant message with text is a prefill, to be continued (`continueFinalMessage`: the answer holds the
 * continuation only, as Anthropic's does); `tools` become function tools, `tool_choice`
 * auto/any/tool/none becomes auto/required/function/none, `stop_sequences` `stop`, `metadata.user_id`
 * `user`, and `thinking.budget_tokens` `mull.reasoning_budget`. A streamed request asks for the usage.
 *
 * @throws ApiError 400 naming the field: an image or document block (the served models read text), a
 * block in the wrong role's message, a final assistant message with `tool_use` blocks, a thinking budget
 * not below `max_tokens`.
 * @example
 * chatBodyOf({ model: "sc@5:qwen", max_tokens: 256, messages: [{ role: "user", content: "2+2?" }] });
 * // { model: "sc@5:qwen", max_tokens: 256, messages: [{ role: "user", content: "2+2?" }] }
 */
export function chatBodyOf(body: MessagesRequestBody): ChatRequestBody {
  const { messages, continueFinalMessage } = conversationOf(body);
  const mull = mullOf(body);
  return {
    model: body.model,
    messages,
    max_tokens: body.max_tokens,
    ...(body.temperature === undefined ? {} : { temperature: body.temperature }),
    ...(body.top_p === undefined ? {} : { top_p: body.top_p }),
    ...(body.top_k === undefined ? {} : { top_k: body.top_k }),
    ...(body.stop_sequences === undefined ? {} : { stop: body.stop_sequences }),
    ...(body.stream === true ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(body.metadata?.user_id == null ? {} : { user: body.metadata.user_id }),
    ...(body.tools === undefined
      ? {}
      : {
          tools: body.tools.map((tool) => ({
            type: "function" as const,
            function: {
              name: tool.name,
              ...(tool.description === undefined ? {} : { description: tool.description }),
              parameters: tool.input_schema,
            },
          })),
        }),
    ...toolChoiceOf(body.tool_choice),
    ...(mull === undefined || mull === null ? {} : { mull }),
    ...(continueFinalMessage === undefined ? {} : { continueFinalMessage }),
  };
}

/**
 * The chat fields `chatBodyOf` maps from differently named fields of a messages request, by the chat
 * field (`user` from `metadata.user_id`, `stop` from `stop_sequences`, `mull.reasoning_budget` from
 * `thinking.budget_tokens` where the budget came from there), so that an error names what the client sent.
 *
 * @example
 * messagesClientFields({ model: "m", max_tokens: 64, messages, metadata: { user_id: "u1" } });
 * // { user: "metadata.user_id", stop: "stop_sequences" }
 */
export function messagesClientFields(body: MessagesRequestBody): ClientFields {
  const budgetFromThinking = body.thinking?.type === "enabled" && body.mull?.reasoning_budget === undefined;
  return {
    user: "metadata.user_id",
    stop: "stop_sequences",
    ...(budgetFromThinking ? { "mull.reasoning_budget": "thinking.budget_tokens" } : {}),
  };
}
