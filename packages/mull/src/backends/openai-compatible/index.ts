export {
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
  type OpenAICompatibleBackendOptions,
} from "./openai-compatible-backend.ts";
export { type RequirableCapability, requireCapability } from "./require-capability.ts";
