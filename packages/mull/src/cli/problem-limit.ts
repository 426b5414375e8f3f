/**
 * The most problems a run takes (`mull bench --limit`, `mull lab --problems`): a lab dataset generates as
 * many as asked and a run holds them all in memory, so a limit far beyond this exhausts the heap instead of
 * being refused.
 */
export const maximumProblems = 100_000;

/** Problems a lab dataset generates when no limit is given (`labDataset`'s default). */
export const labDefaultProblems = 200;

/** Help of `mull bench --limit`. */
export const problemLimitHelp =
  `run only the first N problems, at most ${maximumProblems} ` +
  `(default: all of a dataset file; a lab dataset generates N, default ${labDefaultProblems})`;
