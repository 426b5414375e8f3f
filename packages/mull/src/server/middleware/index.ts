export { type ApiKeyAuthOptions, apiKeyAuth } from "./api-key-auth.ts";
export { type ApiKeyCheck, createApiKeyCheck, parseApiKeys } from "./api-key-check.ts";
export { type DrainGuardOptions, drainGuard } from "./drain-guard.ts";
export { type InFlightLimitOptions, inFlightLimit } from "./in-flight-limit.ts";
export { createInFlightLimiter, type InFlightLimiter } from "./in-flight-limiter.ts";
export {
  type KeyBudget,
  type KeyBudgetLimitOptions,
  type KeyBudgetVariables,
  keyBudgetLimit,
} from "./key-budget-limit.ts";
export { type KeyBudgetAnswer, type KeyBudgetStore, memoryKeyBudgetStore } from "./key-budget-store.ts";
export { type KeyRequestRateLimitOptions, keyRequestRateLimit } from "./key-request-rate-limit.ts";
export {
  type KeyRequestRateAnswer,
  type KeyRequestRateStore,
  memoryKeyRequestRateStore,
} from "./key-request-rate-store.ts";
export {
  createKeyTokenBudget,
  type KeyBudgetRefusal,
  type KeyTokenBudget,
  type TokenReservation,
} from "./key-token-budget.ts";
export {
  type RequestAbort,
  type RequestAbortOptions,
  type RequestAbortVariables,
  requestAbort,
} from "./request-abort.ts";
export {
  type RequestContextOptions,
  type RequestContextVariables,
  type ResponseEnd,
  requestContext,
} from "./request-context.ts";
export { requestCredential } from "./request-credential.ts";
export { requestSpan } from "./request-span.ts";
export type { ServerEnvironment } from "./server-environment.ts";
