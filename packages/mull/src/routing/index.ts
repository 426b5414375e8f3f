export {
  type AllocateComputeOptions,
  type AllocatedProblem,
  allocateCompute,
  type ComputeAllocation,
} from "./allocate-compute.ts";
export { type AnswerAgreement, answerAgreement } from "./answer-agreement.ts";
export { type CascadeOptions, cascade, defaultCascadeThreshold } from "./cascade.ts";
export {
  type ExtraSamplesPlan,
  extraSampleWeight,
  planExtraSamples,
  splitSamples,
} from "./plan-extra-samples.ts";
