export { type AddressPolicy, createAddressPolicy } from "./address-policy.ts";
export { ApiError, type ApiErrorBody, type ApiErrorOptions } from "./api-error.ts";
export { type ApiKeyCheck, createApiKeyCheck, parseApiKeys } from "./api-key-check.ts";
export { type AssembledServer, type AssembleServerOptions, assembleServer } from "./assemble-server.ts";
export { checkUpstreamUrl } from "./check-upstream-url.ts";
export {
  type CircuitAdmission,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitPermit,
  type CircuitState,
  type CircuitVerdict,
  circuitVerdict,
  createCircuitBreaker,
} from "./circuit-breaker.ts";
export { CircuitOpenError } from "./circuit-open-error.ts";
export {
  type CreateServerOptions,
  createServer,
  type MullServer,
  type ServerEnvironment,
} from "./create-server.ts";
export {
  createGuardedFetch,
  type GuardedFetch,
  type GuardedFetchOptions,
  RefusedAddressError,
} from "./guarded-fetch.ts";
export { createKeyTokenBudget, type KeyTokenBudget, type TokenReservation } from "./key-token-budget.ts";
export {
  type ListenOptions,
  listenServer,
  type RunningServer,
  type ShutdownReport,
} from "./listen-server.ts";
export { loadServerConfig } from "./load-server-config.ts";
export {
  type BuildServedModelsOptions,
  buildServedModels,
  type ServedModel,
  type ServedModels,
  type UpstreamCallObserver,
} from "./served-model.ts";
export {
  type ModelEntry,
  modelEntries,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
  serverConfigSchema,
  type UpstreamConfig,
} from "./server-config.ts";
export { createServerLogger, type ServerLoggerOptions } from "./server-logger.ts";
export { createServerMetrics, type ServerMetrics, type ServerMetricsOptions } from "./server-metrics.ts";
