const encoder = new TextEncoder();

/**
 * The most tokens a cue appended to a trace can take: its UTF-8 bytes, since a token covers at least one
 * byte. Worst-case reckonings use it where the model's tokenizer is not at hand.
 *
 * @example
 * cueTokensAtMost("\nWait"); // 5
 */
export function cueTokensAtMost(cue: string): number {
  return encoder.encode(cue).length;
}
