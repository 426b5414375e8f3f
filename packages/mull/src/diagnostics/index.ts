/** Diagnostics of backends: does a served model compute and sample what the reference does? */
export { checkFidelity, type FidelityOptions, type FidelityReport } from "./check-fidelity.ts";
export { compareTeacherForced, type TeacherForcedOptions } from "./compare-teacher-forced.ts";
export {
  type CoupledSamplingDivergence,
  type CoupledSamplingOptions,
  coupledSamplingDivergence,
} from "./coupled-sampling-divergence.ts";
export { detectHiddenTruncation, type HiddenTruncationOptions } from "./detect-hidden-truncation.ts";
export {
  type MissingFidelityCapability,
  missingFidelityCapabilities,
} from "./fidelity-capabilities.ts";
export type { FidelityCheck, FidelityVerdict } from "./fidelity-check.ts";
export { type LogprobDivergence, logprobDivergence } from "./logprob-divergence.ts";
export { poissonLowerTail, poissonUpperTail } from "./poisson-tail.ts";
export {
  describeSamplingDefaults,
  type FidelitySamplingDefaults,
  type SamplingDefaultsFinding,
  samplingDefaultsFinding,
} from "./sampling-defaults-finding.ts";
export {
  defaultTailCuts,
  describeTailCut,
  type TailCut,
  type TailPosition,
  tailPosition,
} from "./tail-cuts.ts";
