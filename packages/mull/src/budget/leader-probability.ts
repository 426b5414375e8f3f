/** log(n choose k), exact enough for the sample counts of a vote. */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let index = 1; index <= k; index += 1) sum += Math.log((n - k + index) / index);
  return sum;
}

/**
 * The posterior probability that the leading answer is NOT the more likely of the two leading answers,
 * after `leader` and `runnerUp` votes under a uniform prior: P(p ≤ ½) for p ~ Beta(leader + 1,
 * runnerUp + 1), computed exactly as P(Binomial(leader + runnerUp + 1, ½) > leader). Summed from the tail, it
 * stays above 0 where its complement would round to 1.
 *
 * @example
 * leaderRisk(4, 0); // 1/32
 */
export function leaderRisk(leader: number, runnerUp: number): number {
  const trials = leader + runnerUp + 1;
  const logHalf = trials * Math.log(0.5);
  let risk = 0;
  for (let successes = leader + 1; successes <= trials; successes += 1) {
    risk += Math.exp(logChoose(trials, successes) + logHalf);
  }
  return Math.min(1, risk);
}

/**
 * The posterior probability that the leading answer beats the runner-up, after `leader` and `runnerUp`
 * votes under a uniform prior (Adaptive-Consistency's Beta criterion): P(p > ½) for p ~ Beta(leader + 1,
 * runnerUp + 1), that is 1 − `leaderRisk`.
 *
 * @example
 * leaderProbability(4, 0); // 0.96875: four votes and no rival
 * leaderProbability(5, 5); // 0.5
 */
export function leaderProbability(leader: number, runnerUp: number): number {
  return 1 - leaderRisk(leader, runnerUp);
}
