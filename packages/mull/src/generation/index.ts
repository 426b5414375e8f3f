export { defaultModelProfile } from "./default-model-profile.ts";
export { defaultPromptTemplate } from "./default-prompt-template.ts";
export { type SampleCandidatesOptions, type SampleResult, sampleCandidates } from "./sample-candidates.ts";
