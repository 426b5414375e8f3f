import type { Usage } from "../../spec/index.ts";

/**
 * OpenAI's usage object, or `undefined` when the upstream did not report the counts; thinking tokens mull
 * counted (`reasoningTokens`, part of the completion tokens) as `completion_tokens_details.reasoning_tokens`.
 */
export function usageBody(
  usage: Usage,
  reasoningTokens?: number | undefined,
): Record<string, unknown> | undefined {
  if (usage.promptTokens === undefined || usage.completionTokens === undefined) return undefined;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(usage.cachedPromptTokens === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } }),
    ...(reasoningTokens === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: reasoningTokens } }),
  };
}
