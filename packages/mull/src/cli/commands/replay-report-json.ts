import type { ReplayEvaluationSummary, ReplayReport } from "../../bench/replay/index.ts";

type EvaluationField = keyof ReplayEvaluationSummary;

/**
 * Every figure of an evaluation, in the order `mull replay --json` writes them: a figure added to
 * `ReplayEvaluationSummary` and left out here fails to compile.
 */
const evaluationFields: { readonly [Field in EvaluationField]-?: true } = {
  strategy: true,
  kind: true,
  k: true,
  problems: true,
  accuracy: true,
  correct: true,
  meanSamples: true,
  answered: true,
  utility: true,
  meanCompletionTokens: true,
  meanCharacters: true,
  escalated: true,
  meanEscalationTokens: true,
  unrecorded: true,
  budget: true,
  shuffles: true,
};

/** An evaluation as `--json` writes it: each figure present, `null` where it is unknown or does not apply. */
export type ReplayEvaluationJson = {
  readonly [Field in EvaluationField]-?: Exclude<ReplayEvaluationSummary[Field], undefined> | null;
};

/** The report as `mull replay --json` writes it (see `replayReportJson`). */
export type ReplayReportJson = Omit<ReplayReport, "evaluations"> & {
  readonly evaluations: readonly ReplayEvaluationJson[];
};

/**
 * The report as `mull replay --json` writes it: as it is, but with every evaluation listing all its
 * figures, `null` for one unknown (tokens or characters the recording lacks) or that does not apply to the
 * strategy (`escalated` of a majority vote, `shuffles` of the first k samples), as `problemResults` writes
 * its `tokens` and `escalated`; `JSON.stringify` would drop a figure left `undefined`.
 *
 * @example
 * process.stdout.write(`${JSON.stringify(replayReportJson(report), null, 2)}\n`);
 */
export function replayReportJson(report: ReplayReport): ReplayReportJson {
  const fields = Object.keys(evaluationFields) as EvaluationField[];
  return {
    ...report,
    evaluations: report.evaluations.map(
      (evaluation) =>
        Object.fromEntries(fields.map((field) => [field, evaluation[field] ?? null])) as ReplayEvaluationJson,
    ),
  };
}
