import { chatLogprobs, completionLogprobs } from "./logprobs-body.ts";
import { mullBody } from "./mull-body.ts";
import type { OutcomeChoice, RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import { toolCallsBody } from "./tool-calls-body.ts";
import { usageBody } from "./usage-body.ts";

/** Identity of one response: its id and creation time (seconds). */
export interface ResponseIdentity {
  readonly id: string;
  readonly created: number;
}

type JsonObject = Record<string, unknown>;

/**
 * A chat choice's message: its text, its thinking as `reasoning_content` (as vLLM and llama.cpp return it)
 * when mull cut it at a budget, and its calls as `tool_calls` (content `null` when it has no text).
 */
function messageBody(choice: OutcomeChoice): JsonObject {
  const calls = choice.toolCalls;
  const reasoning = choice.reasoning === undefined ? {} : { reasoning_content: choice.reasoning };
  if (calls === undefined) return { role: "assistant", content: choice.text, ...reasoning };
  return {
    role: "assistant",
    content: choice.text === "" ? null : choice.text,
    ...reasoning,
    tool_calls: toolCallsBody(calls, false),
  };
}

function choiceBody(plan: RequestPlan, choice: OutcomeChoice, index: number): JsonObject {
  if (plan.endpoint === "chat") {
    return {
      index,
      message: messageBody(choice),
      logprobs: plan.logprobs ? chatLogprobs(choice.tokens) : null,
      finish_reason: choice.finishReason,
    };
  }
  return {
    index,
    text: choice.text,
    logprobs: plan.logprobs ? completionLogprobs(choice.tokens) : null,
    finish_reason: choice.finishReason,
  };
}

/** A whole (non-streamed) `chat.completion` or `text_completion` with the `mull` object. */
export function completionBody(
  plan: RequestPlan,
  outcome: RequestOutcome,
  identity: ResponseIdentity,
): JsonObject {
  const usage = usageBody(outcome.usage, outcome.reasoningTokens);
  const mull = mullBody(outcome);
  return {
    id: identity.id,
    object: plan.endpoint === "chat" ? "chat.completion" : "text_completion",
    created: identity.created,
    model: plan.requestedModel,
    choices: outcome.choices.map((choice, index) => choiceBody(plan, choice, index)),
    ...(usage === undefined ? {} : { usage }),
    ...(mull === undefined ? {} : { mull }),
  };
}
