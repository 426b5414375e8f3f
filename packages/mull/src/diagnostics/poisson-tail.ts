/**
 * P(X ≤ observed) for X ~ Poisson(expected): how surprising it is to see so few events. A count of rare
 * events at many positions (a sum of independent Bernoulli draws with small probabilities) is close to
 * Poisson with the sum of the probabilities as its mean, which is what the hidden-truncation check counts.
 *
 * @example
 * poissonLowerTail(0, 5); // ≈ 0.0067: no event where five were expected
 */
export function poissonLowerTail(observed: number, expected: number): number {
  if (observed < 0) return 0;
  if (expected <= 0) return 1;
  let term = Math.exp(-expected);
  let sum = term;
  for (let count = 1; count <= Math.floor(observed); count += 1) {
    term *= expected / count;
    sum += term;
  }
  return Math.min(1, sum);
}

/**
 * P(X ≥ observed) for X ~ Poisson(expected): how surprising it is to see so many events.
 *
 * @example
 * poissonUpperTail(4, 0.5); // ≈ 0.0018
 */
export function poissonUpperTail(observed: number, expected: number): number {
  if (observed <= 0) return 1;
  return Math.max(0, 1 - poissonLowerTail(observed - 1, expected));
}
