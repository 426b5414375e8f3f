import { optionError } from "../runtime/index.ts";

/**
 * Area under the ROC curve of a score for telling positives from negatives: the probability that a random
 * positive scores higher than a random negative, ties counting half (the Mann–Whitney U statistic over
 * the product of the class sizes). 0.5 is chance; 1 a perfect separation; below 0.5 the score points the
 * wrong way. `undefined` when either class is empty. Infinite scores rank above (or below) every finite
 * one.
 *
 * @throws ConfigError when a score is not a number (NaN included), naming it by its index:
 * `areaUnderRoc: items[3].score must be a number, got NaN`.
 * @example
 * // Does peak instability predict a wrong answer?
 * areaUnderRoc(traces.map((trace) => ({ score: trace.peak, positive: !trace.correct }))); // e.g. 0.68
 */
export function areaUnderRoc(
  items: readonly { readonly score: number; readonly positive: boolean }[],
): number | undefined {
  items.forEach(({ score }, index) => {
    if (typeof score !== "number" || Number.isNaN(score))
      throw optionError("areaUnderRoc", `items[${index}].score`, score, "a number");
  });
  const positives = items.filter((item) => item.positive).length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const sorted = [...items].sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : 0));
  // Sum of the positives' ranks, a run of equal scores sharing its mean rank.
  let rankSum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]?.score === sorted[start]?.score) end += 1;
    const meanRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1)
      if (sorted[index]?.positive === true) rankSum += meanRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
