export {
  type ExtendEachOneStepOptions,
  type ExtendEachOneStepResult,
  extendEachOneStep,
  type PartialToExtend,
} from "./extend-each-one-step.ts";
export {
  type ExtendOneStepOptions,
  type ExtendOneStepResult,
  extendOneStep,
  type StepExtension,
} from "./extend-one-step.ts";
export { joinSteps } from "./join-steps.ts";
export { splitSteps } from "./split-steps.ts";
export { createStepCostMeter, type StepCostMeter } from "./step-cost-meter.ts";
export { defaultStepFormat, type StepFormat, type StepFormatOptions, stepFormat } from "./step-format.ts";
export { stepPrompt } from "./step-prompt.ts";
