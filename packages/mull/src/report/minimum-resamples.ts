/**
 * The fewest bootstrap resamples a report's accuracy intervals take (`mull report --resamples`,
 * `buildReport`'s `resamples`): with fewer, an interval's ends are a handful of resampled means rather
 * than the quantiles they stand for.
 */
export const minimumResamples = 100;
