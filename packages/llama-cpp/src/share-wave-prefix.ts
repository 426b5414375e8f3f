import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { alignSequence } from "./align-sequence.ts";
import { commonPrefixLength } from "./common-prefix-length.ts";
import type { SequenceLease } from "./sequence-pool.ts";
import { sharePrefix } from "./share-prefix.ts";

/**
 * Readies the sequences of one wave of parallel completions to continue after `prefix`: the sequence that caches
 * most of it evaluates the rest once, and the others keep what they cache and copy the remainder from it (see
 * {@link sharePrefix}; where copying fails they evaluate it themselves later). Returns, per lease, how many
 * prefix tokens its completion will not evaluate: cached before or copied.
 *
 * @example
 * const cachedByLease = await shareWavePrefix(wave, promptTokens.slice(0, -1));
 */
export async function shareWavePrefix(
  wave: readonly SequenceLease<LlamaContextSequence>[],
  prefix: readonly Token[],
): Promise<Map<SequenceLease<LlamaContextSequence>, number>> {
  const cachedByLease = new Map<SequenceLease<LlamaContextSequence>, number>();
  if (wave.length === 0) return cachedByLease;
  const leader = wave.reduce((best, lease) =>
    commonPrefixLength(lease.item.contextTokens, prefix) > commonPrefixLength(best.item.contextTokens, prefix)
      ? lease
      : best,
  );
  const leaderCached = await alignSequence(leader.item, prefix);
  if (leaderCached < prefix.length) {
    await leader.item.evaluateWithoutGeneratingNewTokens(prefix.slice(leaderCached) as Token[]);
  }
  cachedByLease.set(leader, leaderCached);
  await Promise.all(
    wave
      .filter((lease) => lease !== leader)
      .map(async (lease) => {
        const cached = await alignSequence(lease.item, prefix);
        const copied = cached < prefix.length && (await sharePrefix(leader.item, lease.item, prefix.length));
        cachedByLease.set(lease, copied ? prefix.length : lease.item.nextTokenIndex);
      }),
  );
  return cachedByLease;
}
