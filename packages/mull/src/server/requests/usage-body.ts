import type { Usage } from "../../spec/index.ts";

/**
 * OpenAI's usage object; thinking tokens mull counted (`reasoningTokens`, part of the completion tokens) as
 * `completion_tokens_details.reasoning_tokens`. A count the upstream did not report is left out, never 0
 * (nor `null`, which OpenAI's clients do not expect of a number): one unknown leaves out that count and
 * `total_tokens`, and the object is `undefined` when neither count is known. (The `mull.usage` object says
 * `null` for each unknown count.)
 *
 * @example
 * usageBody({ promptTokens: undefined, completionTokens: 40, calls: 8 }); // { completion_tokens: 40 }
 */
export function usageBody(
  usage: Usage,
  reasoningTokens?: number | undefined,
): Record<string, unknown> | undefined {
  const { promptTokens, completionTokens } = usage;
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  return {
    ...(promptTokens === undefined ? {} : { prompt_tokens: promptTokens }),
    ...(completionTokens === undefined ? {} : { completion_tokens: completionTokens }),
    ...(promptTokens === undefined || completionTokens === undefined
      ? {}
      : { total_tokens: promptTokens + completionTokens }),
    ...(usage.cachedPromptTokens === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } }),
    ...(reasoningTokens === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: reasoningTokens } }),
  };
}
