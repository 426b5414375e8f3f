/** The index of the highest value, the first one on a tie (so choices stay deterministic). */
export function argmax<Item>(items: readonly Item[], value: (item: Item) => number): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  items.forEach((item, index) => {
    const current = value(item);
    if (current > bestValue) {
      best = index;
      bestValue = current;
    }
  });
  return best;
}
