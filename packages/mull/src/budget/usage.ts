import type { Usage } from "../spec/index.ts";

/** Usage of nothing: no calls, zero tokens. */
export const emptyUsage: Usage = { promptTokens: 0, completionTokens: 0, calls: 0 };

function addCounts(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

/** Sums usages; a count unknown in any part is unknown in the sum. */
export function addUsage(...usages: readonly Usage[]): Usage {
  let promptTokens: number | undefined = 0;
  let completionTokens: number | undefined = 0;
  let cachedPromptTokens: number | undefined = 0;
  let anyCached = false;
  let reasoningTokens = 0;
  let anyReasoning = false;
  let calls = 0;
  for (const usage of usages) {
    promptTokens = addCounts(promptTokens, usage.promptTokens);
    completionTokens = addCounts(completionTokens, usage.completionTokens);
    if (usage.cachedPromptTokens !== undefined) anyCached = true;
    cachedPromptTokens = (cachedPromptTokens ?? 0) + (usage.cachedPromptTokens ?? 0);
    if (usage.reasoningTokens !== undefined) anyReasoning = true;
    reasoningTokens += usage.reasoningTokens ?? 0;
    calls += usage.calls;
  }
  const sum: Usage = anyCached
    ? { promptTokens, completionTokens, cachedPromptTokens, calls }
    : { promptTokens, completionTokens, calls };
  // Reasoning tokens are reported by some calls only (a reasoning model's): the sum is of those reported.
  return anyReasoning ? { ...sum, reasoningTokens } : sum;
}

/** Prompt plus completion tokens, or `undefined` when either is unknown. */
export function totalTokens(usage: Usage): number | undefined {
  return addCounts(usage.promptTokens, usage.completionTokens);
}
