import { answerUtility, type DistributionSummary, type StrategySummary } from "../bench/metrics/index.ts";
import { decimal, percentText, table, whole } from "./html-blocks.ts";
import { millisecondsText } from "./milliseconds-text.ts";

function meanOf(summary: DistributionSummary | undefined): string {
  return summary === undefined ? "unknown" : whole(summary.mean);
}

/** A strategy's accuracy interval: its ends, its level unless 95%, and `Wilson` where it is Wilson's. */
function intervalText(summary: StrategySummary): string {
  const { lower, upper, confidence, method } = summary.accuracy;
  const level = Math.round(confidence * 100);
  const notes = [...(level === 95 ? [] : [`${level}%`]), ...(method === "wilson" ? ["Wilson"] : [])];
  return `${percentText(lower)} – ${percentText(upper)}${notes.length === 0 ? "" : ` (${notes.join(", ")})`}`;
}

/**
 * The report's cost table: per strategy, accuracy with its interval, the share answered when a strategy
 * abstained, the utility when a wrong answer's cost is given, tokens, samples, calls, latency and the
 * verifier's false-positive rate.
 *
 * @example
 * const html = costTable(summarizeStrategies(run), undefined); // <table class="cost">…
 */
export function costTable(summaries: readonly StrategySummary[], wrongCost: number | undefined): string {
  // Shown when a strategy left problems without an answer (an abstaining accept@N): not wrong, unanswered.
  const abstained = summaries.some((summary) => summary.answered < summary.usage.problems);
  const header = [
    "strategy",
    "problems",
    "accuracy",
    "95% interval",
    ...(abstained ? ["answered"] : []),
    ...(wrongCost === undefined ? [] : [`utility (wrong −${wrongCost})`]),
    "prompt tokens / problem",
    "completion tokens / problem",
    "total tokens",
    "samples / problem",
    "calls / problem",
    "score calls / problem",
    "latency median (ms)",
    "latency p90 (ms)",
    "verifier false-positive rate",
  ];
  const rows = summaries.map((summary) => {
    const verifier = summary.verifier;
    const falsePositiveRate =
      verifier === undefined
        ? "—"
        : verifier.falsePositiveRate === undefined
          ? `none accepted (of ${verifier.judged})`
          : `${percentText(verifier.falsePositiveRate)} (${verifier.falsePositives} of ${verifier.accepted} accepted)`;
    return [
      summary.strategy,
      String(summary.usage.problems),
      `${percentText(summary.accuracy.accuracy)} (${summary.correct})`,
      intervalText(summary),
      ...(abstained
        ? [`${percentText(summary.answered / summary.usage.problems)} (${summary.answered})`]
        : []),
      ...(wrongCost === undefined
        ? []
        : [
            answerUtility(
              {
                right: summary.correct,
                wrong: summary.answered - summary.correct,
                problems: summary.usage.problems,
              },
              wrongCost,
            ).toFixed(3),
          ]),
      meanOf(summary.usage.promptTokens),
      meanOf(summary.usage.completionTokens),
      whole(summary.usage.totalTokens?.total),
      decimal(summary.usage.samples.mean),
      decimal(summary.usage.calls.mean),
      decimal(summary.usage.scoreCalls.mean),
      millisecondsText(summary.usage.latencyMilliseconds.median),
      millisecondsText(summary.usage.latencyMilliseconds.p90),
      falsePositiveRate,
    ];
  });
  return table(header, rows, "cost");
}
