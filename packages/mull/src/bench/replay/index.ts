export { percent } from "./accuracy-percent.ts";
export { type AdaptiveKind, adaptiveStop, adaptiveStopPoint, isAdaptive } from "./adaptive-stop-point.ts";
export { type CascadeReplayStrategy, cascadeOutcome } from "./cascade-outcome.ts";
export { chooseSample, type SelectingKind } from "./choose-sample.ts";
export { type EvaluateReplayOptions, evaluateReplay, type ReplayEvaluation } from "./evaluate-replay.ts";
export { formatReplayReport } from "./format-replay-report.ts";
export { type GradedProblem, type GradedSample, gradeReplay } from "./grade-replay.ts";
export { loadFaithfulCotReplay } from "./load-faithful-cot-replay.ts";
export { type LoadGenericReplayOptions, loadGenericReplay } from "./load-generic-replay.ts";
export { loadQwenRmMajReplay } from "./load-qwen-rm-maj-replay.ts";
export { loadQwen3ProbesReplay } from "./load-qwen3-probes-replay.ts";
export {
  type LoadReplayOptions,
  loadReplay,
  type ReplayFormat,
  replayFormats,
} from "./load-replay.ts";
export type { ProblemOutcome } from "./problem-outcome.ts";
export { type PythonRandom, pythonRandom } from "./python-random.ts";
export type { ReplayDataset, ReplayProblem, ReplaySample, RewardScale } from "./replay-dataset.ts";
export { replayDatasetFromRun } from "./replay-dataset-from-run.ts";
export {
  type ReplayLine,
  type ReplaySampleLine,
  replayLineSchema,
  replaySampleSchema,
} from "./replay-line-schema.ts";
export {
  type ReplayProblemResult,
  type ReplayStrategyOnProblem,
  replayProblemResults,
} from "./replay-problem-result.ts";
export {
  type ReplayShuffle,
  type ReplayShuffleSource,
  replayShuffleOrders,
  replayShuffles,
} from "./replay-shuffle.ts";
export {
  isCascade,
  parseReplayStrategies,
  parseReplayStrategy,
  type ReplayStrategy,
  type ReplayStrategyKind,
  replayStrategyKinds,
} from "./replay-strategy.ts";
export { replayWrapperForms, replayWrapperFormsText } from "./replay-wrapper-spec.ts";
export {
  type ReplayEvaluationSummary,
  type ReplayReport,
  type ReplayReportOptions,
  type RunReplayOptions,
  replayReportOf,
  runReplay,
} from "./run-replay.ts";
