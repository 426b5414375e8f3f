import type { TopLogprob } from "../spec/index.ts";

/**
 * One alternative of each side taken as the same token: indices into the two top-k lists, `undefined` on
 * the side whose list does not hold it (probability 0 there, as far as the list says).
 */
export interface AlternativePair {
  /**
   * The group the two were matched in: the token text, or {@link unnamedToken}; `id <n>` when both lists
   * were matched by token id.
   */
  readonly key: string;
  /** Index in the left list, or `undefined`. */
  readonly left: number | undefined;
  /** Index in the right list, or `undefined`. */
  readonly right: number | undefined;
}

/** The group of every token whose text cannot name it across backends (see {@link isUnnamedToken}). */
export const unnamedToken = "\u0000unnamed";

/**
 * Control-token markers as an embedded backend spells them with special tokens shown (`</s>`, `<s>`,
 * `<unk>`, `<|endoftext|>`, `<|im_end|>`, `<｜end▁of▁sentence｜>`, `<eos>`, `<end_of_turn>`); an
 * OpenAI-compatible server leaves them empty. A text token of that shape (`<div>`) is taken as unnamed too,
 * which can only lower a distance read through {@link matchAlternatives}.
 */
const controlMarker = /^<(?:\/?[a-z_]+|\|[^|\s]*\||｜[^｜\s]*｜)>$/;

/**
 * Whether a token's text cannot tell it from another token of another backend: empty (llama.cpp's server
 * sends end-of-sequence, other control tokens and lone UTF-8 lead bytes as `""`), holding U+FFFD (a lone
 * byte decoded, which one backend sends for every byte token and the server for continuation bytes), or a
 * control-token marker (`</s>` where the server sends `""`).
 *
 * @example
 * isUnnamedToken("</s>"); // true
 * isUnnamedToken("7"); // false
 */
export function isUnnamedToken(text: string): boolean {
  return text === "" || text.includes("\uFFFD") || controlMarker.test(text);
}

/**
 * Matches two backends' top alternatives at one position. When every alternative of both lists carries its
 * token id ({@link TopLogprob.id}) and the ids agree with the texts, ids name the tokens: each pair is one
 * token, however it is spelled, and tokens that decode alike stay apart. Otherwise token texts name tokens,
 * except the unnamed ones ({@link isUnnamedToken}), which both backends report but spell differently.
 * Within each group (one id, one token text, or every unnamed token together) the alternatives are paired
 * in order of probability, the most likely of one side with the most likely of the other, and the surplus
 * of the longer side is left unpaired. Where texts name tokens, in-order pairing is the matching whose
 * summed |Δprobability| is least, so the distances read from it never exceed the distances between the
 * true tokens: a faithful backend that only names tokens otherwise reads as faithful, and no alternative is
 * lost or merged into another (each keeps its mass). Ids agree with the texts when no id stands for two
 * named texts (a text neither side leaves unnamed); where one does, the two vocabularies differ and texts
 * are used.
 *
 * @returns the pairs, ordered by key, then by probability within a key.
 * @example
 * matchAlternatives([{ token: "</s>", logprob: -1 }], [{ token: "", logprob: -1 }]);
 * // [{ key: unnamedToken, left: 0, right: 0 }]
 * matchAlternatives([{ token: "\uFFFD", logprob: -1, id: 3 }], [{ token: "", logprob: -1, id: 3 }]);
 * // [{ key: "id 3", left: 0, right: 0 }]
 */
export function matchAlternatives(
  left: readonly TopLogprob[],
  right: readonly TopLogprob[],
): AlternativePair[] {
  const keyOf = pairsById(left, right) ? idKey : textKey;
  const leftGroups = groups(left, keyOf);
  const rightGroups = groups(right, keyOf);
  const keys = [...new Set([...leftGroups.keys(), ...rightGroups.keys()])].sort();
  const pairs: AlternativePair[] = [];
  for (const key of keys) {
    const leftIndices = leftGroups.get(key) ?? [];
    const rightIndices = rightGroups.get(key) ?? [];
    for (let rank = 0; rank < Math.max(leftIndices.length, rightIndices.length); rank += 1) {
      pairs.push({ key, left: leftIndices[rank], right: rightIndices[rank] });
    }
  }
  return pairs;
}

/** The group of a token named by its text. */
function textKey(entry: TopLogprob): string {
  return isUnnamedToken(entry.token) ? unnamedToken : entry.token;
}

/** The group of a token named by its id (set wherever {@link pairsById} holds). */
function idKey(entry: TopLogprob): string {
  return `id ${entry.id}`;
}

/**
 * Whether both lists name their tokens by id: every alternative carries one, and no id stands for two
 * different named texts across the lists (which would mean two vocabularies).
 */
function pairsById(left: readonly TopLogprob[], right: readonly TopLogprob[]): boolean {
  const named = new Map<number, string>();
  for (const entry of [...left, ...right]) {
    if (entry.id === undefined) return false;
    if (isUnnamedToken(entry.token)) continue;
    const text = named.get(entry.id);
    if (text !== undefined && text !== entry.token) return false;
    named.set(entry.id, entry.token);
  }
  return true;
}

/** Indices of `list` by group key, each group most likely first. */
function groups(list: readonly TopLogprob[], keyOf: (entry: TopLogprob) => string): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const [index, entry] of list.entries()) {
    const key = keyOf(entry);
    const indices = byKey.get(key) ?? [];
    indices.push(index);
    byKey.set(key, indices);
  }
  for (const indices of byKey.values()) {
    indices.sort((first, second) => logprobAt(list, second) - logprobAt(list, first) || first - second);
  }
  return byKey;
}

function logprobAt(list: readonly TopLogprob[], index: number): number {
  const logprob = list[index]?.logprob ?? Number.NEGATIVE_INFINITY;
  return Number.isNaN(logprob) ? Number.NEGATIVE_INFINITY : logprob;
}
