import type { CostRequest, OutcomeScorer, Strategy } from "../spec/index.ts";

/**
 * The most tokens, read and written over every call, a run of `strategy` may spend on `request`: the
 * strategy's own reckoning (`Strategy.worstCaseTokens`) where it declares one, else `samples` × (prompt +
 * `maxTokens`), each sample reading the prompt once and writing at most `maxTokens`. Given the outcome
 * `scorer` the strategy scores its solutions with (one whose catalog entry needs a scorer: `bon@N`,
 * `wv@N`, `accept@N`, an architecture's `verify` or `rank@K`), it adds the scorer's worst case
 * (`OutcomeScorer.worstCaseTokens`, nothing where it declares none) for each of the `samples` solutions,
 * as such a strategy scores each solution it drew at most once.
 *
 * @example
 * worstCaseTokens(selfConsistency({ n: 8 }), { promptTokens: 50, maxTokens: 200 }); // 2000
 * worstCaseTokens(budgetForcing({ minThinkingTokens: 250, maxWaits: 3 }), { promptTokens: 3, maxTokens: 240 }); // 4 calls re-reading their trace
 * worstCaseTokens(bestOfN({ n: 4, scorer: judge }), { promptTokens: 50, maxTokens: 200 }, judge); // 1000 + 4 judge calls
 */
export function worstCaseTokens(strategy: Strategy, request: CostRequest, scorer?: OutcomeScorer): number {
  const generation =
    strategy.worstCaseTokens?.(request) ?? strategy.samples * (request.promptTokens + request.maxTokens);
  return generation + strategy.samples * (scorer?.worstCaseTokens?.(request) ?? 0);
}
