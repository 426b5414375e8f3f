import type { PartialRun } from "../partial-run.ts";
import type { ReplayReport } from "./run-replay.ts";

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? "unknown" : value.toFixed(digits);
}

function pad(cells: readonly string[][]): string {
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** After a count of problems replayed: how many a partial run planned, and its pairs recorded. */
function ofPartialRun(partial: PartialRun | undefined): string {
  return partial === undefined
    ? ""
    : ` of the partial run's ${partial.problems} (${partial.recorded} of ${partial.planned} pairs recorded)`;
}

function budgetText(report: ReplayReport): string {
  const first = report.evaluations[0];
  if (first?.budget !== "random") return "the first k samples of each problem";
  const count = first.shuffles ?? 0;
  const drawn =
    report.shuffle === "python"
      ? `${count} shuffles by Python's random.Random(s), s = ${report.seed}…${report.seed + count - 1}`
      : `${count} seeded shuffles (seed ${report.seed})`;
  return `k samples drawn at random, averaged over ${drawn}`;
}

/**
 * A replay report as a plain-text table: one row per strategy with accuracy (percent, one decimal), its
 * bootstrap interval, problems solved, and the mean samples, completion tokens and characters it used
 * per problem; when cascades were replayed, also the share of problems each escalated and how many of
 * its tokens the larger model wrote (routed allocations too: the share that drew extra samples from it);
 * when an allocation's plan gave problems more samples than were recorded, the mean per problem it could
 * not draw (`unrecorded`); when a strategy left problems unanswered, the share each answered;
 * with a cost for wrong answers, each strategy's utility per problem. Samples from a partial bench run
 * are counted against the problems it planned, with its pairs recorded, in the title. With
 * `gradedByRun` (a bench run's samples, which keep the correctness its grader recorded), the title says
 * so: the answer format only groups the recorded answers into votes.
 *
 * @example
 * process.stdout.write(formatReplayReport(runReplay(options)));
 */
export function formatReplayReport(
  report: ReplayReport,
  options: { readonly gradedByRun?: boolean | undefined } = {},
): string {
  const first = report.evaluations[0];
  const budget = budgetText(report);
  const samples =
    report.samplesPerProblem.min === report.samplesPerProblem.max
      ? `${report.samplesPerProblem.max} samples each`
      : `${report.samplesPerProblem.min}-${report.samplesPerProblem.max} samples each`;
  const level = first === undefined ? 95 : Math.round(first.accuracy.confidence * 100);
  const escalation =
    report.escalation === undefined
      ? ""
      : `; cascades escalate to ${report.escalation.problems} problems' samples${ofPartialRun(report.escalation.partial)} (${report.escalation.format})`;
  const openings =
    report.openings === undefined
      ? ""
      : `; greedy traces of ${report.openings.problems} problems (${report.openings.format})`;
  const largerOpenings =
    report.escalationOpenings === undefined
      ? ""
      : `; the larger model's greedy traces of ${report.escalationOpenings.problems} problems (${report.escalationOpenings.format})`;
  const scoring =
    report.wrongCost === undefined
      ? ""
      : `; utility per problem: right 1, wrong ${report.wrongCost === 0 ? 0 : -report.wrongCost}, no answer 0`;
  const title = `${report.format}: ${report.problems} problems${ofPartialRun(report.partial)}, ${samples}; answers graded as ${options.gradedByRun === true ? `the run recorded them, grouped as ${report.answerFormat}` : report.answerFormat}; budget: ${budget}${escalation}${openings}${largerOpenings}${scoring}`;
  const cascades = report.evaluations.some((evaluation) => evaluation.escalated !== undefined);
  // Shown when some strategy left a problem without an answer (an abstaining `accept@k`, say).
  const abstained = report.evaluations.some(
    (evaluation) => evaluation.answered !== undefined && evaluation.answered < evaluation.problems - 1e-9,
  );
  const unrecorded = report.evaluations.some((evaluation) => (evaluation.unrecorded ?? 0) > 0);
  const utility = report.wrongCost !== undefined;
  const rows = [
    [
      "strategy",
      "accuracy %",
      `${level}% interval`,
      "solved",
      "samples",
      "tokens",
      "characters",
      ...(cascades ? ["escalated %", "larger-model tokens"] : []),
      ...(unrecorded ? ["unrecorded"] : []),
      ...(abstained ? ["answered %"] : []),
      ...(utility ? ["utility"] : []),
    ],
    ...report.evaluations.map((evaluation) => [
      evaluation.strategy,
      (evaluation.accuracy.accuracy * 100).toFixed(1),
      `${(evaluation.accuracy.lower * 100).toFixed(1)}-${(evaluation.accuracy.upper * 100).toFixed(1)}`,
      `${Number.isInteger(evaluation.correct) ? evaluation.correct : evaluation.correct.toFixed(1)}/${evaluation.problems}`,
      fixed(evaluation.meanSamples, 1),
      fixed(evaluation.meanCompletionTokens, 0),
      fixed(evaluation.meanCharacters, 0),
      ...(!cascades
        ? []
        : evaluation.escalated === undefined
          ? ["", ""]
          : [fixed(evaluation.escalated * 100, 1), fixed(evaluation.meanEscalationTokens, 0)]),
      ...(!unrecorded ? [] : [evaluation.unrecorded === undefined ? "" : fixed(evaluation.unrecorded, 1)]),
      ...(!abstained
        ? []
        : [
            evaluation.answered === undefined
              ? ""
              : fixed((evaluation.answered / evaluation.problems) * 100, 1),
          ]),
      ...(utility ? [fixed(evaluation.utility, 3)] : []),
    ]),
  ];
  return `${title}\n\n${pad(rows)}\n`;
}
