import type { Usage } from "../../spec/index.ts";

/**
 * A usage as the `mull` object reports it (`mull.usage`, `mull.usage_by_model`, and a failed request's
 * `mull.usage`): prompt, completion and total tokens and calls, each count the upstream did not report
 * `null`, never 0.
 *
 * @example
 * usageCounts({ promptTokens: 19, completionTokens: 33, calls: 1 });
 * // { prompt_tokens: 19, completion_tokens: 33, total_tokens: 52, calls: 1 }
 */
export function usageCounts(usage: Usage) {
  return {
    prompt_tokens: usage.promptTokens ?? null,
    completion_tokens: usage.completionTokens ?? null,
    total_tokens:
      usage.promptTokens === undefined || usage.completionTokens === undefined
        ? null
        : usage.promptTokens + usage.completionTokens,
    calls: usage.calls,
  };
}
