/** The answer key most traces give, and how many give it. */
export interface LeadingAnswer {
  /** The answer key given most often among the keys tallied; on a tie, the one seen first. */
  readonly key: string;
  /** How many traces give `key`; at least 1. */
  readonly count: number;
}

/**
 * The most frequent answer key among `keys` and its count, ties going to the key seen first (the rule
 * of `majorityVote`); `undefined` keys do not count, and without any answer there is no leader.
 *
 * @example
 * leadingAnswer(["3", undefined, "7", "7", "3"]); // { key: "3", count: 2 }
 */
export function leadingAnswer(keys: readonly (string | undefined)[]): LeadingAnswer | undefined {
  const counts = new Map<string, number>();
  for (const key of keys) if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  let leader: LeadingAnswer | undefined;
  // Map iteration follows first appearance, so a strict `>` keeps the earliest of tied keys.
  for (const [key, count] of counts)
    if (leader === undefined || count > leader.count) leader = { key, count };
  return leader;
}
