/** What {@link pickEngine} reads of each context's sequence pool. */
export interface PoolLoad {
  /** Sequences leased now plus callers waiting. */
  readonly load: number;
  /** The longest prefix an idle sequence's cache shares with the given tokens. */
  cachedPrefixLength(tokens: readonly number[]): number;
}

/**
 * Which of several contexts serves a call with `promptTokens`: the least loaded, and among those the one with
 * an idle sequence caching the longest prefix of the prompt (a call continuing or repeating an earlier one),
 * then the first. Load comes first: on a 2-core machine running `mull lab`, sending calls whose prompt was
 * cached to the busier context ran 10–20% slower than balancing, the lab's prompts being short.
 *
 * @example
 * const engine = engines[pickEngine(engines.map((engine) => engine.pool), promptTokens)];
 */
export function pickEngine(pools: readonly PoolLoad[], promptTokens: readonly number[]): number {
  let bestIndex = 0;
  let bestLoad = Number.POSITIVE_INFINITY;
  let bestPrefix = -1;
  pools.forEach((pool, index) => {
    if (pool.load > bestLoad) return;
    const prefix = pool.cachedPrefixLength(promptTokens);
    if (pool.load < bestLoad || prefix > bestPrefix) {
      bestIndex = index;
      bestLoad = pool.load;
      bestPrefix = prefix;
    }
  });
  return bestIndex;
}
