/**
 * The fewest bootstrap resamples an accuracy interval is drawn from where a user sets the count
 * (`mull report --resamples`, `mull replay --resamples`, `buildReport`'s `resamples`): with fewer, an
 * interval's ends are a handful of resampled means rather than the quantiles they stand for.
 */
export const minimumResamples = 100;
