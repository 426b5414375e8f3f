export { type ListServedModelsOptions, listServedModels, type ServedModelList } from "./list-models.ts";
export {
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
  type OpenAICompatibleBackendOptions,
} from "./openai-compatible-backend.ts";
