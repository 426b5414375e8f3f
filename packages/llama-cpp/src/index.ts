export {
  createLlamaCppBackend,
  type LlamaCppBackend,
  type LlamaCppBackendOptions,
  type LlamaCppBackendSettings,
} from "./create-llama-cpp-backend.ts";
export { type LabModel, type LabModelsOptions, labModels, labModelsDirectory } from "./lab-models.ts";
export { resolveModelPath } from "./resolve-model-path.ts";
export { canSharePrefix, type PrefixSharingSequence, sharePrefix } from "./share-prefix.ts";
