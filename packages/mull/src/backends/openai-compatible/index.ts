export { AttemptTimeout, type AttemptTimeoutKind } from "./attempt-timeout.ts";
export { describeNetworkFailure } from "./describe-network-failure.ts";
export { type ListServedModelsOptions, listServedModels, type ServedModelList } from "./list-models.ts";
export { createOpenAICompatibleBackend, type OpenAICompatibleBackend } from "./openai-compatible-backend.ts";
export type { OpenAICompatibleBackendOptions } from "./openai-compatible-backend-options.ts";
export { untilAborted } from "./until-aborted.ts";
