export { type ApiKeyCheck, createApiKeyCheck, parseApiKeys } from "./api-key-check.ts";
export { createInFlightLimiter, type InFlightLimiter } from "./in-flight-limiter.ts";
export { createKeyTokenBudget, type KeyTokenBudget, type TokenReservation } from "./key-token-budget.ts";
