export { BackendCallError, isRetryableStatus } from "./backend-call-error.ts";
export { BudgetExhaustedError } from "./budget-exhausted-error.ts";
export { CapabilityError } from "./capability-error.ts";
export { ConfigError } from "./config-error.ts";
export { DisposedError } from "./disposed-error.ts";
export { MullError } from "./mull-error.ts";
