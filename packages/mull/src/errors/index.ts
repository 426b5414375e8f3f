export { BackendCallError, isRetryableStatus } from "./backend-call-error.ts";
export { BudgetExhaustedError, type ExhaustedSpending } from "./budget-exhausted-error.ts";
export { CapabilityError } from "./capability-error.ts";
export { ConfigError } from "./config-error.ts";
export { DiskFullError } from "./disk-full-error.ts";
export { DisposedError } from "./disposed-error.ts";
export { findCause } from "./find-cause.ts";
export { MullError } from "./mull-error.ts";
