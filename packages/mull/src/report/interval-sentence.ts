import type { StrategySummary } from "../bench/metrics/index.ts";
import { whole } from "./html-blocks.ts";

/**
 * Which interval the report's accuracy intervals are, as plain text: the percentile bootstrap over the
 * problems with its resamples, and the strategies whose interval is the Wilson score interval instead
 * (where the bootstrap collapsed to a point or left out the accuracy, as it does when every problem had
 * the same outcome). Empty for no summaries.
 *
 * @example
 * intervalSentence(summarizeStrategies(run));
 * // "Accuracy intervals are 95% percentile bootstrap intervals over the problems (1,000 resamples), except for …"
 */
export function intervalSentence(summaries: readonly StrategySummary[]): string {
  const first = summaries[0];
  if (first === undefined) return "";
  const level = `${Math.round(first.accuracy.confidence * 100)}%`;
  const wilson = summaries
    .filter((summary) => summary.accuracy.method === "wilson")
    .map((summary) => summary.strategy);
  const bootstrap = `${level} percentile bootstrap intervals over the problems (${whole(first.accuracy.resamples)} resamples)`;
  const why = "as it does when every problem had the same outcome (all right, or all wrong)";
  if (wilson.length === 0) return `Accuracy intervals are ${bootstrap}.`;
  if (wilson.length === summaries.length) {
    return (
      `Accuracy intervals are ${level} Wilson score intervals: every strategy's percentile bootstrap over ` +
      `the problems collapsed to a point or left out its accuracy, ${why}.`
    );
  }
  const [their, theirs] =
    wilson.length === 1
      ? ["its", `its interval is the ${level} Wilson score interval`]
      : ["their", `theirs are ${level} Wilson score intervals`];
  return (
    `Accuracy intervals are ${bootstrap}, except for ${wilson.join(", ")}: ${their} bootstrap collapsed to a point ` +
    `or left out the accuracy, ${why}, so ${theirs} (marked Wilson in the cost table).`
  );
}
