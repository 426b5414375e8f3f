/**
 * Jensen–Shannon divergence of two distributions over tokens, in nats: the mean KL divergence of each from
 * their average. A token one of them lacks has probability 0 there. Symmetric, 0 for equal distributions,
 * ln 2 for disjoint ones.
 *
 * @example
 * jensenShannonDivergence(new Map([["a", 1]]), new Map([["b", 1]])); // ln 2 ≈ 0.693
 */
export function jensenShannonDivergence(
  p: ReadonlyMap<string, number>,
  q: ReadonlyMap<string, number>,
): number {
  let sum = 0;
  for (const token of new Set([...p.keys(), ...q.keys()])) {
    const a = p.get(token) ?? 0;
    const b = q.get(token) ?? 0;
    const middle = (a + b) / 2;
    if (a > 0) sum += 0.5 * a * Math.log(a / middle);
    if (b > 0) sum += 0.5 * b * Math.log(b / middle);
  }
  return Math.max(0, sum);
}
