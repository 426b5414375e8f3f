export {
  type AnswerCutSolutionOptions,
  type AnswerCutSolutionResult,
  answerCutSolution,
  type CutSolutionAnswer,
} from "./answer-cut-solution.ts";
export {
  type BudgetForcedSolution,
  type BudgetForcedSolutionOptions,
  budgetForcedSolution,
} from "./budget-forced-solution.ts";
export { type BudgetTokenCut, budgetTokenCut } from "./budget-token-cut.ts";
export { callShortfall } from "./call-shortfall.ts";
export { type CapabilitiesOrStop, capabilitiesOrStop } from "./capabilities-or-stop.ts";
export { completionCallsAnswer } from "./completion-calls-answer.ts";
export { continuationCapabilities, continuationPrompt } from "./continuation-prompt.ts";
export {
  type ContinueSolutionOptions,
  type ContinueSolutionResult,
  continueSolution,
  type SolutionPiece,
} from "./continue-solution.ts";
export { countedPromptUsage } from "./counted-prompt-usage.ts";
export { defaultModelProfile } from "./default-model-profile.ts";
export { defaultPromptTemplate } from "./default-prompt-template.ts";
export { defaultThinkingCues } from "./default-thinking-cues.ts";
export {
  type ForceAnswerOptions,
  type ForceAnswerResult,
  type ForcedAnswer,
  forceAnswer,
} from "./force-answer.ts";
export {
  type GenerateRecordedOptions,
  type GenerateRecordedResult,
  generateRecorded,
  type RecordedCompletion,
  type RecordedOutcome,
  type RequiredCapabilities,
} from "./generate-recorded.ts";
export { mergeSampling } from "./merge-sampling.ts";
export { promptCharacters } from "./prompt-characters.ts";
export { promptCharges } from "./prompt-charges.ts";
export {
  estimatedCharactersPerToken,
  estimatePromptTokens,
  type PromptTokens,
  promptTokens,
} from "./prompt-tokens.ts";
export type { RecordedCallOptions } from "./recorded-call-options.ts";
export { reserveCall } from "./reserve-call.ts";
export { resolveThinkingCues } from "./resolve-thinking-cues.ts";
export { problemArgument, strategyContextArgument } from "./run-arguments.ts";
export { type SampleCandidatesOptions, type SampleResult, sampleCandidates } from "./sample-candidates.ts";
export { samplingSettingsOption } from "./sampling-settings-option.ts";
export { withCue } from "./with-cue.ts";
