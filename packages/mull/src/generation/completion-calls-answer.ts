// The file, not the folder's index: selection/ reads scoring/, which reads generation/.
import { toolCallAnswer } from "../selection/tool-call-answer.ts";
import type { Completion } from "../spec/index.ts";

/** Whether a call's arguments are whole JSON text (an empty text reads as `{}`, as `canonicalArguments` reads it). */
function wholeArguments(text: string): boolean {
  if (text.trim() === "") return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer a completion that ended in function calls votes with: its calls' `toolCallAnswer`, or none
 * where the calls were cut. Calls end a completion, so one that ran into its token limit (finish reason
 * `length`) was cut inside its calls, and a call whose arguments are not JSON was written only in part:
 * either is no call to vote for, as a text cut before its answer line reads no answer. `undefined` too
 * for a completion that made no calls.
 *
 * @example
 * completionCallsAnswer({ finishReason: "stop", toolCalls: [{ id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' }] });
 * // 'tool:get_weather({"city":"Paris"})'
 * completionCallsAnswer({ finishReason: "length", toolCalls: [{ id: "c1", name: "get_weather", arguments: '{"city":"Pa' }] });
 * // undefined
 */
export function completionCallsAnswer(
  completion: Pick<Completion, "finishReason" | "toolCalls">,
): string | undefined {
  const calls = completion.toolCalls;
  if (calls === undefined || calls.length === 0 || completion.finishReason === "length") return undefined;
  return calls.every((call) => wholeArguments(call.arguments)) ? toolCallAnswer(calls) : undefined;
}
