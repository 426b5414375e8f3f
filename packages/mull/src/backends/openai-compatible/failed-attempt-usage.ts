import type { Usage } from "../../spec/index.ts";
import type { ReportedUsage } from "./response-parser.ts";

/**
 * What one attempt of a request that failed part-way charges it (`ParsedResponse.failedAttempts`, or the
 * attempts of a request that failed in the end): its completion tokens, and its prompt as its own usage
 * chunk said, else as `told` reported it (a response to the same request, or another of its attempts),
 * since the same prompt was sent (charged as read, not as cached: the failed attempt read it first). No
 * call: a retry is the same request.
 *
 * @example
 * const charged = addUsage(own, ...response.failedAttempts.map((attempt) => failedAttemptUsage(attempt, response.usage)));
 */
export function failedAttemptUsage(attempt: ReportedUsage, told: ReportedUsage | undefined): Usage {
  if (attempt.promptTokens === undefined) {
    return { promptTokens: told?.promptTokens, completionTokens: attempt.completionTokens, calls: 0 };
  }
  return {
    promptTokens: attempt.promptTokens,
    completionTokens: attempt.completionTokens,
    cachedPromptTokens: attempt.cachedPromptTokens,
    calls: 0,
  };
}
