import type { ChatMessage, Problem, Prompt, PromptTemplate } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import type { EndpointKind } from "./request-plan.ts";
import type { ChatRequestBody, CompletionRequestBody } from "./request-schema.ts";
import { joinTextParts } from "./text-parts.ts";

/** The prompt of a request and the problem a strategy solves. */
export interface RequestPrompt {
  /** The prompt of a pass-through request. */
  readonly prompt: Prompt;
  /** The problem a strategy solves (its prompt set unless a template renders it). */
  readonly problem: Problem;
  /** Renders `problem` when it has no prompt (the lab's `Q: … A:` format). */
  readonly promptTemplate: PromptTemplate | undefined;
  /** Characters of the prompt, to estimate its tokens. */
  readonly characters: number;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function textOf(content: string | readonly { readonly text: string }[]): string {
  const text = typeof content === "string" ? content : joinTextParts(content.map((part) => part.text));
  // Lone surrogates cannot be encoded for an upstream; they become U+FFFD.
  return text.replace(loneSurrogate, "\uFFFD");
}

/**
 * The prompt of a validated request: a chat's messages (`developer` read as `system`; a message's text
 * parts joined one per line, `joinTextParts`), whose last user message is the question, or a completion's
 * first prompt. A lab model gets the `Q: … A:` prompt of the question instead. Tool-use turns
 * (`tool_calls`, `tool` messages) are kept for OpenAI-compatible upstreams. A chat whose front end asks
 * for its final assistant message to be continued (`continueFinalMessage`, an Anthropic prefill) is
 * prompted to continue it (`Prompt.continueFinalMessage`).
 *
 * @throws ApiError when a lab model cannot read the question, the model cannot take a tool-use turn, or a
 * model prompted with its own template is asked to continue the assistant's message (400 naming it).
 * @example
 * const { prompt, problem } = requestPrompt("chat", body, served);
 */
export function requestPrompt(
  endpoint: EndpointKind,
  body: ChatRequestBody | CompletionRequestBody,
  served: ServedModel,
): RequestPrompt {
  if (endpoint !== "chat") {
    const given = (body as CompletionRequestBody).prompt;
    const text = textOf(typeof given === "string" ? given : (given[0] ?? ""));
    const prompt: Prompt = { kind: "text", text };
    return {
      prompt,
      problem: { question: text, prompt },
      promptTemplate: undefined,
      characters: text.length,
    };
  }
  const messages: ChatMessage[] = (body as ChatRequestBody).messages.map((message) => ({
    role: message.role === "developer" ? "system" : message.role,
    content: textOf(message.content ?? ""),
    ...(message.tool_calls === undefined
      ? {}
      : {
          toolCalls: message.tool_calls.map((call) => ({
            id: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
          })),
        }),
    ...(message.tool_call_id === undefined ? {} : { toolCallId: message.tool_call_id }),
  }));
  const question = [...messages].reverse().find((message) => message.role === "user")?.content ?? "";
  const characters = messages.reduce(
    (sum, message) =>
      sum +
      message.content.length +
      (message.toolCalls ?? []).reduce((calls, call) => calls + call.name.length + call.arguments.length, 0),
    0,
  );
  const template = served.profile.promptTemplate;
  const toolTurn = (body as ChatRequestBody).messages.findIndex(
    (message) => message.role === "tool" || message.tool_calls !== undefined,
  );
  if (toolTurn >= 0 && (template !== undefined || served.kind !== "openai-compatible")) {
    const why =
      template !== undefined
        ? "is prompted with its own template from the last user message, which"
        : "runs in this server and";
    throw new ApiError(400, `model ${served.name} ${why} cannot carry a tool-use conversation`, {
      param: `messages[${toolTurn}]`,
      code: "unsupported_parameter",
    });
  }
  const continued = (body as ChatRequestBody).continueFinalMessage;
  if (continued !== undefined && template !== undefined) {
    throw new ApiError(
      400,
      `${continued.param} ends the conversation with the assistant's words to be continued (a prefill), but model ${served.name} is prompted with its own template from the last user message, which cannot continue them`,
      { param: continued.param, code: "unsupported_parameter" },
    );
  }
  if (template === undefined) {
    const prompt: Prompt =
      continued === undefined
        ? { kind: "chat", messages }
        : { kind: "chat", messages, continueFinalMessage: true };
    return { prompt, problem: { question, prompt }, promptTemplate: undefined, characters };
  }
  let prompt: Prompt;
  try {
    prompt = template({ question });
  } catch (error) {
    throw new ApiError(
      400,
      `model ${served.name} answers ${served.profile.answers ?? "questions of its own format"} in the last user message: ${(error as Error).message}`,
      { param: "messages", code: "invalid_value" },
    );
  }
  return { prompt, problem: { question }, promptTemplate: template, characters };
}
