import type { Candidate, FinishReason, ToolCall } from "../../spec/index.ts";
import type { OutcomeChoice } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import { splitThinking } from "./split-thinking.ts";

/**
 * OpenAI's finish reason: `length` stays, a completion that ended in function calls is `tool_calls`, everything
 * else (a watcher's `cut` too, as OpenAI has none) is `stop`.
 */
function finishOf(reason: FinishReason, toolCalls?: readonly ToolCall[]): OutcomeChoice["finishReason"] {
  if (reason === "length") return "length";
  return toolCalls !== undefined && toolCalls.length > 0 ? "tool_calls" : "stop";
}

/**
 * A choice from a completion or candidate, with its calls when it ended in some and its reasoning.
 *
 * @example
 * choiceOf("42", "stop", undefined); // { text: "42", finishReason: "stop" }
 */
export function choiceOf(
  text: string,
  reason: FinishReason,
  toolCalls: readonly ToolCall[] | undefined,
  reasoning?: string | undefined,
  stopSequence?: string | undefined,
): OutcomeChoice {
  const finishReason = finishOf(reason, toolCalls);
  const choice: OutcomeChoice = {
    text,
    finishReason,
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(stopSequence === undefined || finishReason !== "stop" ? {} : { stopSequence }),
  };
  return toolCalls === undefined || toolCalls.length === 0 ? choice : { ...choice, toolCalls };
}

/**
 * A strategy's chosen candidate as a choice: a chat answer's `<think>` block goes apart, as reasoning.
 *
 * @example
 * candidateChoice(result.best, plan); // chat: { text: "42", finishReason: "stop", reasoning: "…" }
 */
export function candidateChoice(candidate: Candidate, plan: RequestPlan): OutcomeChoice {
  const split = plan.endpoint === "chat" ? splitThinking(candidate.text) : undefined;
  const thought = [candidate.reasoning, split?.reasoning].filter((part) => part !== undefined).join("\n");
  return choiceOf(
    split?.answer ?? candidate.text,
    candidate.finishReason,
    candidate.toolCalls,
    thought === "" ? undefined : thought,
    candidate.stopSequence,
  );
}
