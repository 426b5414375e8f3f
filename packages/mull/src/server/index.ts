export { type AssembledServer, type AssembleServerOptions, assembleServer } from "./assemble-server.ts";
export {
  loadServerConfig,
  type ModelEntry,
  modelEntries,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
  serverConfigSchema,
  type UpstreamConfig,
} from "./config/index.ts";
export { type CreateServerOptions, createServer, type MullServer } from "./create-server.ts";
export { ApiError, type ApiErrorBody, type ApiErrorOptions } from "./http/index.ts";
export {
  type ListenOptions,
  listenServer,
  type RunningServer,
  type ShutdownReport,
} from "./listen-server.ts";
export {
  type ApiKeyCheck,
  createApiKeyCheck,
  createKeyTokenBudget,
  type KeyBudget,
  type KeyBudgetAnswer,
  type KeyBudgetRefusal,
  type KeyBudgetStore,
  type KeyBudgetVariables,
  type KeyRequestRateAnswer,
  type KeyRequestRateStore,
  type KeyTokenBudget,
  parseApiKeys,
  type RequestAbort,
  type RequestAbortVariables,
  type RequestContextVariables,
  type ResponseEnd,
  requestSpan,
  type ServerEnvironment,
  type TokenReservation,
} from "./middleware/index.ts";
export {
  type AddressPolicy,
  checkUpstreamUrl,
  createAddressPolicy,
  createGuardedFetch,
  type GuardedFetch,
  type GuardedFetchOptions,
  RefusedAddressError,
  type ResolveAll,
} from "./network/index.ts";
export {
  connectRedisServingState,
  defaultStatePrefix,
  type MemoryServingStateOptions,
  memoryServingState,
  type RedisServingStateOptions,
  type ServingState,
  StateStoreUnavailableError,
} from "./state/index.ts";
export {
  createServerLogger,
  createServerMetrics,
  type ServerLoggerOptions,
  type ServerMetrics,
  type ServerMetricsOptions,
} from "./telemetry/index.ts";
export {
  type BuildServedModelsOptions,
  buildServedModels,
  type CircuitAdmission,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitFactory,
  CircuitOpenError,
  type CircuitPermit,
  type CircuitSettings,
  type CircuitState,
  type CircuitVerdict,
  circuitVerdict,
  createCircuitBreaker,
  type ProbeUpstreamsOptions,
  probeUpstreams,
  type ServedModel,
  type ServedModels,
  type UpstreamCallKind,
  type UpstreamCallObserver,
  type UpstreamCircuit,
  type UpstreamProbeOutcome,
} from "./upstreams/index.ts";
