export { checkGenerationRequest } from "./check-generation-request.ts";
export { defaultModelProfile } from "./default-model-profile.ts";
export { defaultPromptTemplate } from "./default-prompt-template.ts";
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
export type { RecordedCallOptions } from "./recorded-call-options.ts";
export { type SampleCandidatesOptions, type SampleResult, sampleCandidates } from "./sample-candidates.ts";
