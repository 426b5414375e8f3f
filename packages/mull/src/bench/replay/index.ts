export { percent } from "./accuracy-percent.ts";
export { chooseSample, type SelectingKind } from "./choose-sample.ts";
export { type EvaluateReplayOptions, evaluateReplay, type ReplayEvaluation } from "./evaluate-replay.ts";
export { formatReplayReport } from "./format-replay-report.ts";
export { type GradedProblem, type GradedSample, gradeReplay } from "./grade-replay.ts";
export { loadFaithfulCotReplay } from "./load-faithful-cot-replay.ts";
export { type LoadGenericReplayOptions, loadGenericReplay } from "./load-generic-replay.ts";
export { loadQwen3ProbesReplay } from "./load-qwen3-probes-replay.ts";
export { loadQwenRmMajReplay } from "./load-qwen-rm-maj-replay.ts";
export {
  isReplayFormat,
  type LoadReplayOptions,
  loadReplay,
  type ReplayFormat,
  replayFormats,
} from "./load-replay.ts";
export type { ReplayDataset, ReplayProblem, ReplaySample, RewardScale } from "./replay-dataset.ts";
export {
  type ReplayLine,
  type ReplaySampleLine,
  replayLineSchema,
  replaySampleSchema,
} from "./replay-line-schema.ts";
export {
  parseReplayStrategies,
  parseReplayStrategy,
  type ReplayStrategy,
  type ReplayStrategyKind,
  replayStrategyKinds,
} from "./replay-strategy.ts";
export { type ReplayReport, type RunReplayOptions, runReplay } from "./run-replay.ts";
