export type { TieBreak } from "./answer-groups.ts";
export { type ArgmaxByScoreOptions, argmaxByScore } from "./argmax-by-score.ts";
export { type BordaVoteOptions, bordaVote } from "./borda-vote.ts";
export type { CandidateWeight } from "./candidate-weight.ts";
export { type ConfidenceFilteredVoteOptions, confidenceFilteredVote } from "./confidence-filtered-vote.ts";
export { type MajorityVoteOptions, majorityVote } from "./majority-vote.ts";
export {
  type PerplexityConsistencyVoteOptions,
  perplexityConsistencyVote,
} from "./perplexity-consistency-vote.ts";
export { probabilityWeight } from "./probability-weight.ts";
export { pruneReasoningPaths } from "./prune-reasoning-paths.ts";
export { recordPick } from "./record-pick.ts";
export { type ResamplingMethod, resample } from "./resample.ts";
export { scoreWeight } from "./score-weight.ts";
export type { SelectionContext, Selector, VoteResult } from "./selector.ts";
export { softmaxWeights } from "./softmax-weights.ts";
export { tallyAnswers } from "./tally-answers.ts";
export {
  canonicalArguments,
  isToolCallAnswer,
  toolCallAnswer,
  toolCallAnswerPrefix,
  withToolCallKeys,
} from "./tool-call-answer.ts";
export { type ToolCallDecision, toolCallDecision } from "./tool-call-decision.ts";
export { type TopKOptions, type TopKResult, topK } from "./top-k.ts";
export { type WeightedVoteOptions, weightedVote } from "./weighted-vote.ts";
