import { checkInteger } from "mull/runtime";

/**
 * What prefix sharing needs of a context sequence. node-llama-cpp's `LlamaContextSequence` has it; the
 * copy itself goes through an internal method (see {@link sharePrefix}).
 */
export interface PrefixSharingSequence {
  /** Token ids evaluated into the sequence's KV cache so far, in order. */
  readonly contextTokens: readonly number[];
  /** Position the next evaluated token takes: how many tokens the cache holds. */
  readonly nextTokenIndex: number;
  /** Empties the sequence's KV cache, so that it starts over from position 0. */
  clearHistory(): Promise<void>;
}

type CopyState = (
  this: PrefixSharingSequence,
  source: PrefixSharingSequence,
  upTo: number,
) => Promise<unknown>;

function copyMethod(sequence: PrefixSharingSequence): CopyState | undefined {
  const method = (sequence as unknown as { _copyStateFromOtherSequence?: unknown })
    ._copyStateFromOtherSequence;
  return typeof method === "function" ? (method as CopyState) : undefined;
}

/** Whether this node-llama-cpp build can copy a KV-cache prefix between sequences. */
export function canSharePrefix(sequence: PrefixSharingSequence): boolean {
  return copyMethod(sequence) !== undefined;
}

function samePrefix(a: readonly number[], b: readonly number[], length: number): boolean {
  if (a.length < length || b.length < length) return false;
  for (let index = 0; index < length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/**
 * Copies the first `prefixLength` evaluated tokens of `source` (their KV cache) into `target`, so `target` can
 * continue from there without evaluating them again. node-llama-cpp 3.22 has no public API for this: it goes
 * through the internal `_copyStateFromOtherSequence`, guarded here so that a missing or failing method is a
 * clean `false` (the target is then cleared and the caller evaluates the prefix itself), never a corrupt state.
 *
 * Call it only while `source` is idle (not evaluating), so its cache is exactly its `contextTokens`.
 *
 * @throws ConfigError `sharePrefix: prefixLength must be an integer ≥ 0, got -1` for a negative or
 * fractional `prefixLength` (callers pass a prompt's own token count).
 * @example
 * if (!(await sharePrefix(leader, sibling, promptTokens.length - 1))) await sibling.clearHistory();
 */
export async function sharePrefix(
  source: PrefixSharingSequence,
  target: PrefixSharingSequence,
  prefixLength: number,
): Promise<boolean> {
  checkInteger("sharePrefix", "prefixLength", prefixLength, { minimum: 0 });
  if (source === target) return source.nextTokenIndex >= prefixLength;
  if (source.nextTokenIndex < prefixLength) return false;
  const copy = copyMethod(target);
  if (copy === undefined) return false;
  const expected = source.contextTokens.slice(0, prefixLength);
  try {
    const copied = await copy.call(target, source, prefixLength);
    if (
      copied === true &&
      target.nextTokenIndex === prefixLength &&
      samePrefix(target.contextTokens, expected, prefixLength)
    ) {
      return true;
    }
  } catch {
    // Fall through: the target's state is unknown, so it is cleared below.
  }
  await target.clearHistory();
  return false;
}
