import type { TuningKnee } from "./find-knee.ts";
import type { TuningReport } from "./run-tuning-sweep.ts";

/** The cell of a figure a level did not measure. */
const notMeasured = "-";

function fixed(value: number | null | undefined, digits: number): string {
  return value === undefined || value === null || Number.isNaN(value) ? notMeasured : value.toFixed(digits);
}

/** The line of one `n`'s curve: its knee, or why it has none. */
function kneeLine(knee: TuningKnee, percent: number): string {
  const unit = knee.measure === "tokens" ? "tok/s" : "completions/s";
  const best = `${knee.bestThroughput.toFixed(1)} ${unit}`;
  if (knee.saturation === "one-level") {
    return (
      `knee n=${knee.n}: none, one level only (concurrency ${knee.highestConcurrency}, ${best}): ` +
      "sweep several concurrencies to find it"
    );
  }
  if (knee.concurrency === null || knee.throughput === null) {
    return (
      `knee n=${knee.n}: none within the sweep (throughput still rising at concurrency ` +
      `${knee.highestConcurrency}, ${best}, ×${fixed(knee.lastStepGrowth, 2)} of the level ` +
      "below: try higher levels)"
    );
  }
  return (
    `knee n=${knee.n}: concurrency ${knee.concurrency} reaches ${knee.throughput.toFixed(1)} ${unit}, ` +
    `${percent}% or more of the best ${knee.bestThroughput.toFixed(1)} (at ${knee.bestConcurrency}); ` +
    `at ${knee.highestConcurrency} throughput is ×${fixed(knee.throughputGrowth, 2)} and ` +
    `median latency ×${fixed(knee.latencyGrowth, 2)} of the knee's`
  );
}

/**
 * The tuning report as text: a table of every level (throughput, latency percentiles, time to first text,
 * errors), the knee rows marked `*` and a level whose every request failed shown as `failed` with no
 * figures, then one line per `n` saying where throughput saturates and what latency costs beyond it (or
 * that it did not saturate within the sweep), the first error, and for an interrupted sweep how many of
 * its levels finished.
 *
 * @example
 * process.stdout.write(formatTuningReport(report));
 */
export function formatTuningReport(report: TuningReport): string {
  const header = [
    "n",
    "conc",
    "requests",
    "errors",
    "tok/s",
    "req/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "ttft p50",
  ];
  const kneeOf = new Map(report.knees.map((knee) => [knee.n, knee.concurrency]));
  const rows = report.levels.map((level) => [
    String(level.n),
    `${level.concurrency}${kneeOf.get(level.n) === level.concurrency ? "*" : ""}`,
    String(level.requests),
    String(level.errors),
    // A level whose every request failed measured nothing: its zero throughput is no measurement.
    ...(level.errors === level.requests
      ? ["failed", ...Array.from({ length: 5 }, () => notMeasured)]
      : [
          fixed(level.tokensPerSecond, 1),
          fixed(level.requestsPerSecond, 2),
          fixed(level.latency.p50, 0),
          fixed(level.latency.p90, 0),
          fixed(level.latency.p99, 0),
          fixed(level.firstToken?.p50, 0),
        ]),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join("  ");
  const lines = [line(header), ...rows.map(line), ""];
  const percent = Math.round(report.fraction * 100);
  for (const knee of report.knees) lines.push(kneeLine(knee, percent));
  const failed = report.levels.find((level) => level.firstError !== undefined);
  if (failed !== undefined) {
    lines.push(`first error (n=${failed.n}, concurrency ${failed.concurrency}): ${failed.firstError}`);
  }
  if (report.interrupted) {
    lines.push(
      `interrupted after ${report.levels.length} of ${report.plannedLevels} levels: the table is partial`,
    );
  }
  return `${lines.join("\n")}\n`;
}
