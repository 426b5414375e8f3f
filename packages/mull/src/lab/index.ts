export { checkLabSteps, labChainOf, labSolutionPath, splitLabSteps } from "./check-lab-steps.ts";
export { extractLabAnswer } from "./extract-lab-answer.ts";
export {
  formatLabPrompt,
  formatLabQuestion,
  formatLabSolution,
  formatLabSteps,
} from "./format-lab-solution.ts";
export {
  drawLabChain,
  generateLabProblems,
  type LabOperandSizes,
  type LabProblemMetadata,
  type LabProblemOptions,
  labLevelRng,
  labProblem,
} from "./generate-lab-problems.ts";
export {
  type LabChain,
  type LabOperator,
  labChainValues,
  labHardestLevel,
  labLevels,
  labMaxValue,
  labMinOperand,
} from "./lab-chain.ts";
export { type LabDatasetOptions, labDataset, labDatasetNames } from "./lab-dataset.ts";
export { labModelName } from "./lab-model-name.ts";
export { labOutcomeChecker } from "./lab-outcome-checker.ts";
export { labProcessReward } from "./lab-process-reward.ts";
export { type LabProfileOptions, labProfile } from "./lab-profile.ts";
export { labPromptTemplate } from "./lab-prompt-template.ts";
export { type LabSolutionPath, labPathSteps, labSolutionPaths } from "./lab-solution-paths.ts";
export { parseLabQuestion } from "./parse-lab-question.ts";
