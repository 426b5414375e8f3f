export { type BestOfNOptions, bestOfN } from "./best-of-n.ts";
export {
  type ParseStrategySpecOptions,
  parseStrategySpec,
  strategySpecForms,
} from "./parse-strategy-spec.ts";
export { type RepeatedSamplingOptions, repeatedSampling } from "./repeated-sampling.ts";
export { type SelfConsistencyOptions, selfConsistency } from "./self-consistency.ts";
export { type SingleSampleOptions, singleSample } from "./single-sample.ts";
export { type WeightedVotingOptions, weightedVoting } from "./weighted-voting.ts";
