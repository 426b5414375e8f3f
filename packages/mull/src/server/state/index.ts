export { type MemoryServingStateOptions, memoryServingState } from "./memory-serving-state.ts";
export { type RedisCircuitOptions, redisCircuit } from "./redis-circuit.ts";
export { type RedisKeyBudgetStoreOptions, redisKeyBudgetStore } from "./redis-key-budget-store.ts";
export {
  type RedisKeyRequestRateStoreOptions,
  redisKeyRequestRateStore,
} from "./redis-key-request-rate-store.ts";
export { type RedisScript, type RunRedisScript, redisScriptRunner } from "./redis-script.ts";
export {
  connectRedisServingState,
  defaultStatePrefix,
  type RedisServingStateOptions,
  redisLocation,
} from "./redis-serving-state.ts";
export type { ServingState } from "./serving-state.ts";
export { StateStoreUnavailableError } from "./state-store-unavailable-error.ts";
