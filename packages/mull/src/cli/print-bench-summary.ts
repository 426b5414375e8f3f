import type { BenchSummary } from "../bench/runner/index.ts";

function percent(value: number | undefined): string {
  return value === undefined ? "-" : `${(value * 100).toFixed(1)}%`;
}

function count(value: number | undefined): string {
  return value === undefined ? "unknown" : String(Math.round(value));
}

/**
 * The plain-text table printed after a run; an `answered` column joins it when a strategy left problems
 * without an answer (an abstaining `accept@N`), so that abstentions are told apart from wrong answers.
 */
export function formatBenchSummary(summary: BenchSummary): string {
  const abstained = summary.strategies.some((strategy) => strategy.answered < strategy.problems);
  const header = [
    "strategy",
    "accuracy",
    ...(abstained ? ["answered"] : []),
    "problems",
    "samples",
    "tokens",
    "tokens/problem",
    "generated/problem",
  ];
  const rows = summary.strategies.map((strategy) => [
    strategy.strategy,
    percent(strategy.accuracy),
    ...(abstained ? [String(strategy.answered)] : []),
    String(strategy.problems),
    String(strategy.samples),
    count(strategy.tokens.total),
    count(strategy.tokens.perProblem),
    count(strategy.tokens.completionPerProblem),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  const byModel = summary.strategies.flatMap((strategy) =>
    strategy.tokensByModel === undefined
      ? []
      : [
          `${strategy.strategy} tokens/problem by model: ` +
            Object.entries(strategy.tokensByModel)
              .map(([model, tokens]) => `${model} ${count(tokens.perProblem)}`)
              .join(", "),
        ],
  );
  return [
    `${summary.dataset}: ${summary.problems} problems (run ${summary.runId})`,
    render(header),
    ...rows.map(render),
    ...byModel,
  ].join("\n");
}

/** The pairs of a finished bench call, printed with its summary by `--json`. */
export interface BenchPairCounts {
  readonly directory: string;
  /** The database store's URL, its password redacted; absent for a run directory. */
  readonly store?: string | undefined;
  readonly total: number;
  readonly skipped: number;
  readonly recorded: number;
}

/** Prints a finished run's summary to standard output: the table, or JSON with the pair counts (`--json`). */
export function printBenchSummary(pairs: BenchPairCounts, summary: BenchSummary, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          directory: pairs.directory,
          ...(pairs.store === undefined ? {} : { store: pairs.store }),
          pairs: { total: pairs.total, skipped: pairs.skipped, recorded: pairs.recorded },
          ...summary,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(`${formatBenchSummary(summary)}\n`);
  }
}
