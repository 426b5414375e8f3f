/**
 * The trace note of a strategy that chose by a plain majority vote instead of its own selection, because
 * of `reason` (what its selection had nothing of): `strategy` is the strategy's name as its run reports it.
 * Every strategy that falls back says it in these words, so that a trace reads the same whichever did.
 *
 * @example
 * majorityFallbackMessage("deepconf@4", "no trace had a confidence");
 * // "deepconf@4: no trace had a confidence; falling back to a majority vote"
 */
export function majorityFallbackMessage(strategy: string, reason: string): string {
  return `${strategy}: ${reason}; falling back to a majority vote`;
}
