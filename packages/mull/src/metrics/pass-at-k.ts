import { checkInteger } from "../runtime/index.ts";

/**
 * The unbiased estimator of pass@k (Chen et al. 2021) from `n` samples of which `correct` are correct:
 * 1 − C(n−c, k) / C(n, k), the probability that at least one of `k` samples drawn without replacement
 * from the `n` is correct. Computed as 1 − Π_{i=n−c+1}^{n} (1 − k/i), which neither overflows nor loses
 * precision for large `n`.
 *
 * @throws ConfigError unless `n` ≥ 1, 0 ≤ `correct` ≤ `n` and 1 ≤ `k` ≤ `n`, all integers.
 * @example
 * passAtK(10, 3, 1); // 0.3
 * passAtK(10, 3, 5); // 1 − C(7,5)/C(10,5) = 0.9166…
 */
export function passAtK(n: number, correct: number, k: number): number {
  checkInteger("passAtK", "n", n, { minimum: 1 });
  checkInteger("passAtK", "correct", correct, {
    minimum: 0,
    maximum: n,
    expected: `an integer between 0 and n = ${n}`,
  });
  checkInteger("passAtK", "k", k, { minimum: 1, maximum: n, expected: `an integer between 1 and n = ${n}` });
  if (n - correct < k) return 1;
  let allWrong = 1;
  for (let i = n - correct + 1; i <= n; i += 1) allWrong *= 1 - k / i;
  return 1 - allWrong;
}
