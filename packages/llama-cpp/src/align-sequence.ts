import type { LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * Brings `sequence` to hold exactly `prefix`, or the part of it already cached (what follows is erased);
 * returns how many of its tokens are cached.
 */
export async function alignSequence(
  sequence: LlamaContextSequence,
  prefix: readonly Token[],
): Promise<number> {
  await sequence.adaptStateToTokens(prefix as Token[], false);
  return sequence.nextTokenIndex;
}
