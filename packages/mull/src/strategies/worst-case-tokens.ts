import type { CostRequest, Strategy } from "../spec/index.ts";

/**
 * The most tokens, read and written over every call, a run of `strategy` may spend on `request`: the
 * strategy's own reckoning (`Strategy.worstCaseTokens`) where it declares one, else `samples` × (prompt +
 * `maxTokens`), each sample reading the prompt once and writing at most `maxTokens`.
 *
 * @example
 * worstCaseTokens(selfConsistency({ n: 8 }), { promptTokens: 50, maxTokens: 200 }); // 2000
 * worstCaseTokens(budgetForcing({ minThinkingTokens: 250, maxWaits: 3 }), { promptTokens: 3, maxTokens: 240 }); // 4 calls re-reading their trace
 */
export function worstCaseTokens(strategy: Strategy, request: CostRequest): number {
  return strategy.worstCaseTokens?.(request) ?? strategy.samples * (request.promptTokens + request.maxTokens);
}
