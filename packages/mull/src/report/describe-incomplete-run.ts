import type { RunCompleteness } from "../bench/index.ts";
import { describePartialRun, resumeRunHint } from "../bench/index.ts";

/**
 * One plain sentence on an incomplete run: pairs recorded of the total and per strategy, what a report
 * compares, and how to continue the run (`mull bench … --resume`).
 *
 * @example
 * describeIncompleteRun(runCompleteness(run), run.manifest);
 * // "The run is partial: 19 of 24 pairs are recorded (greedy 12 of 12, sc@4 7 of 12). …"
 */
export function describeIncompleteRun(
  completeness: RunCompleteness,
  manifest: { readonly dataset: string; readonly strategies: readonly string[] },
): string {
  if (completeness.recorded === 0) {
    return `No pair of this run is recorded yet (0 of ${completeness.total}; strategies ${completeness.strategies.map((strategy) => strategy.strategy).join(", ")}), so there is nothing to report. ${resumeRunHint(manifest)}`;
  }
  const compared =
    completeness.comparable.length === 0
      ? "No problem has a result of every strategy yet, so nothing compares them."
      : `Strategies are compared on the ${completeness.comparable.length} of ${completeness.problems} problems that every strategy with results has a result for; every figure below is on those problems alone.`;
  const none = completeness.strategies.filter((strategy) => strategy.recorded === 0);
  const missing =
    none.length === 0
      ? ""
      : ` ${none.map((strategy) => strategy.strategy).join(", ")} ${none.length === 1 ? "has" : "have"} no result yet and ${none.length === 1 ? "is" : "are"} left out.`;
  return describePartialRun(completeness, manifest, `${compared}${missing}`);
}
