export { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
export { type LabModel, type LabModelsOptions, labModels, labModelsDirectory } from "./lab-models.ts";
export type { LlamaCppBackendOptions, LlamaCppBackendSettings } from "./llama-cpp-backend-options.ts";
export { labVocabulary, readLabModelName } from "./read-lab-model-name.ts";
export { resolveModelPath } from "./resolve-model-path.ts";
export { canSharePrefix, type PrefixSharingSequence, sharePrefix } from "./share-prefix.ts";
export type { SpeculationStats } from "./speculation-stats.ts";
export type {
  DraftModelSpeculation,
  ParsedSpeculativeOptions,
  PromptLookupSpeculation,
  SpeculativeOptions,
} from "./speculative-options.ts";
