/**
 * DeepConf's group confidences: the mean token confidence of every window of `window` consecutive tokens
 * (stride 1), in order. A trace shorter than the window is one group: the mean over all its tokens.
 * Empty input gives no groups.
 *
 * @example
 * groupConfidences([1, 2, 3, 6], 2); // → [1.5, 2.5, 4.5]
 */
export function groupConfidences(confidences: readonly number[], window: number): number[] {
  if (confidences.length === 0) return [];
  const size = Math.min(window, confidences.length);
  let sum = confidences.slice(0, size).reduce((total, value) => total + value, 0);
  const groups = [sum / size];
  for (let end = size; end < confidences.length; end += 1) {
    sum += confidences[end]! - confidences[end - size]!;
    groups.push(sum / size);
  }
  return groups;
}
