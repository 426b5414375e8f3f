import { answerFormatByName } from "../../answers/index.ts";
import type { PartialRun } from "../partial-run.ts";
import { type EvaluateReplayOptions, evaluateReplay, type ReplayEvaluation } from "./evaluate-replay.ts";
import { gradeReplay } from "./grade-replay.ts";
import { type LoadReplayOptions, loadReplay } from "./load-replay.ts";
import type { ReplayDataset, RewardScale } from "./replay-dataset.ts";
import { type ReplayProblemResult, replayProblemResults } from "./replay-problem-result.ts";
import type { ReplayShuffle } from "./replay-shuffle.ts";
import { parseReplayStrategies, type ReplayStrategy } from "./replay-strategy.ts";

/** What to replay: the files, the strategies and how to grade and draw samples. */
export interface RunReplayOptions
  extends LoadReplayOptions,
    Omit<EvaluateReplayOptions, "rewardScale" | "escalation" | "openings" | "escalationOpenings"> {
  /** Strategies as a comma-separated list (`"maj@8,rm@8"`) or parsed; default `mean@1,maj@N,pass@N`. */
  readonly strategies?: string | readonly ReplayStrategy[] | undefined;
  /** Answer format for extraction, voting keys and grading; default the importer's own. */
  readonly answerFormat?: string | undefined;
  /** How rewards become voting weights; default the importer's own. */
  readonly rewardScale?: RewardScale | undefined;
  /**
   * For cascades: the larger model's samples of the same problems, in the same format (with the same
   * gold file); graded like `samples`.
   */
  readonly escalateSamples?: string | undefined;
  /**
   * For `mass@kg`: each problem's greedy trace (one sample per problem), in the same format (with the same
   * gold file); graded like `samples`.
   */
  readonly greedySamples?: string | undefined;
  /**
   * For `cascade-mass@NxMg`: the larger model's greedy trace of each problem, in the same format (with the
   * same gold file); graded like `samples`.
   */
  readonly escalateGreedySamples?: string | undefined;
}

/** `replayReportOf`'s options: `runReplay`'s without the files, and the larger model's samples as a dataset. */
export interface ReplayReportOptions
  extends Omit<
    RunReplayOptions,
    keyof LoadReplayOptions | "escalateSamples" | "greedySamples" | "escalateGreedySamples"
  > {
  /** For cascades: the larger model's samples of the same problems (`cascade@NxM`, `cascade-mass@NxM`). */
  readonly escalation?: ReplayDataset | undefined;
  /** For `mass@kg`: each problem's greedy trace, the one sample of the problem of the same id. */
  readonly openings?: ReplayDataset | undefined;
  /** For `cascade-mass@NxMg`: the larger model's greedy trace of each problem. */
  readonly escalationOpenings?: ReplayDataset | undefined;
}

/** One strategy's result over all problems, without its per-problem outcomes (they are in `problemResults`). */
export type ReplayEvaluationSummary = Omit<ReplayEvaluation, "outcomes">;

/** The result of `runReplay`: what was read and how each strategy did, overall and on each problem. */
export interface ReplayReport {
  readonly format: string;
  /** Problems replayed: those with recorded samples. */
  readonly problems: number;
  /**
   * Set when the samples come from a partial bench run (`mull replay --run` on a run whose bench is still
   * running or stopped part-way): its pairs `recorded` of those `planned`, the `problems` it planned, each
   * strategy's recorded pairs, and the `statement` printed on standard error. Absent otherwise.
   */
  readonly partial?: PartialRun | undefined;
  /** Smallest and largest sample count per problem. */
  readonly samplesPerProblem: { readonly min: number; readonly max: number };
  readonly answerFormat: string;
  readonly rewardScale: RewardScale;
  readonly seed: number;
  /** How `shuffles` were drawn (see `EvaluateReplayOptions.shuffle`). */
  readonly shuffle: ReplayShuffle;
  /** What a wrong answer cost in each evaluation's `utility`, when one was asked for. */
  readonly wrongCost?: number | undefined;
  readonly evaluations: readonly ReplayEvaluationSummary[];
  /**
   * Where the larger model's samples came from, when cascades were replayed; `partial` as above when they
   * come from a partial bench run.
   */
  readonly escalation?:
    | { readonly format: string; readonly problems: number; readonly partial?: PartialRun | undefined }
    | undefined;
  /** Where the greedy traces came from, when `mass@kg` was replayed with them. */
  readonly openings?: { readonly format: string; readonly problems: number } | undefined;
  /** Where the larger model's greedy traces came from, when `cascade-mass@NxMg` was replayed with them. */
  readonly escalationOpenings?: { readonly format: string; readonly problems: number } | undefined;
  /** Each problem with each strategy's answer, correctness, samples and tokens on it. */
  readonly problemResults: readonly ReplayProblemResult[];
}

/**
 * Reads recorded samples, grades them and evaluates strategies offline: what `mull replay` does.
 *
 * @example
 * const report = runReplay({
 *   samples: "faithful-cot-date-ltm-n40.predictions.jsonl",
 *   gold: "faithful-cot-date.gold.jsonl",
 *   format: "faithful-cot",
 *   strategies: "maj@40,mean@1",
 * });
 * report.evaluations[0]?.correct; // 277 of 359 problems: 77.2%
 */
export function runReplay(options: RunReplayOptions): ReplayReport {
  const { escalateSamples, greedySamples, escalateGreedySamples, ...rest } = options;
  const alongside = (samples: string | undefined) =>
    samples === undefined ? undefined : loadReplay({ ...options, samples });
  return replayReportOf(loadReplay(options), {
    ...rest,
    escalation: alongside(escalateSamples),
    openings: alongside(greedySamples),
    escalationOpenings: alongside(escalateGreedySamples),
  });
}

/**
 * Grades an already loaded replay dataset and evaluates strategies on it: `runReplay` without the file
 * reading, for samples from elsewhere (a bench run: `replayDatasetFromRun`).
 *
 * @example
 * const report = replayReportOf(replayDatasetFromRun(await loadRun("runs/lab"), "sc@8", "runs/lab"), { strategies: "maj@8" });
 */
export function replayReportOf(dataset: ReplayDataset, options: ReplayReportOptions): ReplayReport {
  const answerFormat = options.answerFormat ?? dataset.answerFormat;
  const format = answerFormatByName(answerFormat);
  const rewardScale = options.rewardScale ?? dataset.rewardScale;
  const counts = dataset.problems.map((problem) => problem.samples.length);
  const largest = Math.max(...counts);
  const strategies =
    options.strategies === undefined
      ? parseReplayStrategies(`mean@1,maj@${largest},pass@${largest}`)
      : typeof options.strategies === "string"
        ? parseReplayStrategies(options.strategies, options.strategiesFlag)
        : options.strategies;
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? "mull";
  const graded = gradeReplay(dataset.problems, format);
  const gradeAlongside = (alongside: ReplayDataset | undefined) =>
    alongside === undefined ? undefined : gradeReplay(alongside.problems, format);
  const evaluations = evaluateReplay(graded, strategies, {
    ...options,
    seed,
    shuffle,
    rewardScale,
    escalation: gradeAlongside(options.escalation),
    openings: gradeAlongside(options.openings),
    escalationOpenings: gradeAlongside(options.escalationOpenings),
  });
  return {
    format: dataset.format,
    problems: dataset.problems.length,
    ...(dataset.partial === undefined ? {} : { partial: dataset.partial }),
    samplesPerProblem: { min: Math.min(...counts), max: largest },
    answerFormat,
    rewardScale,
    seed,
    shuffle,
    ...(options.wrongCost === undefined ? {} : { wrongCost: options.wrongCost }),
    evaluations: evaluations.map(({ outcomes: _, ...summary }) => summary),
    ...(options.escalation === undefined
      ? {}
      : {
          escalation: {
            format: options.escalation.format,
            problems: options.escalation.problems.length,
            ...(options.escalation.partial === undefined ? {} : { partial: options.escalation.partial }),
          },
        }),
    ...(options.openings === undefined
      ? {}
      : { openings: { format: options.openings.format, problems: options.openings.problems.length } }),
    ...(options.escalationOpenings === undefined
      ? {}
      : {
          escalationOpenings: {
            format: options.escalationOpenings.format,
            problems: options.escalationOpenings.problems.length,
          },
        }),
    problemResults: replayProblemResults(graded, evaluations),
  };
}
