import { resumeRunHint } from "./resume-run-hint.ts";
import type { RunCompleteness } from "./run-completeness.ts";

/**
 * Plain sentences on a run with some of its pairs recorded: pairs recorded of the total and per strategy,
 * then `reading` (what the reader of the run does with the part recorded), then how to continue the run.
 * `mull report` and `mull replay` say a run is partial in these words.
 *
 * @param reading one or more sentences, e.g. "sc@4 has samples of 10 of the 30 problems; …"
 * @example
 * describePartialRun(runCompleteness(run), run.manifest, "Replay reads those alone.");
 * // "The run is partial: 20 of 60 pairs are recorded (greedy 10 of 30, sc@4 10 of 30). Replay reads
 * //  those alone. Unless its bench is still running, continue it … --resume)."
 */
export function describePartialRun(
  completeness: RunCompleteness,
  manifest: { readonly dataset: string; readonly strategies: readonly string[] },
  reading: string,
): string {
  const byStrategy = completeness.strategies
    .map((strategy) => `${strategy.strategy} ${strategy.recorded} of ${completeness.problems}`)
    .join(", ");
  return `The run is partial: ${completeness.recorded} of ${completeness.total} pairs are recorded (${byStrategy}). ${reading} ${resumeRunHint(manifest)}`;
}
