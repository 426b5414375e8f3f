export {
  aggregateStepRewards,
  type StepAggregation,
  stepAggregations,
} from "./aggregate-step-rewards.ts";
export { type HttpProcessRewardOptions, httpProcessReward } from "./http-process-reward.ts";
export { type JudgeProcessRewardOptions, judgeProcessReward } from "./judge-process-reward.ts";
export { type JudgeStepsOptions, type JudgeStepsResult, judgeSteps } from "./judge-steps.ts";
export { type NoisyProcessRewardOptions, noisyProcessReward } from "./noisy-process-reward.ts";
export {
  type ProcessRewardFromFlagOptions,
  processRewardFlagForms,
  processRewardFromFlag,
} from "./process-reward-from-flag.ts";
export { type ProcessRewardScorerOptions, processRewardScorer } from "./process-reward-scorer.ts";
export { qwenMathPrmInput } from "./qwen-math-prm-input.ts";
export {
  type PartialSolution,
  type ScorePartialSolutionsOptions,
  type ScorePartialSolutionsResult,
  scorePartialSolutions,
} from "./score-partial-solutions.ts";
export { type SelfLogprobRewardOptions, selfLogprobReward } from "./self-logprob-reward.ts";
export { isStepJudge, type StepJudge, type StepJudgeModel } from "./step-judge.ts";
export { isStepLogprobObserver, type StepLogprobObserver } from "./step-logprob-observer.ts";
