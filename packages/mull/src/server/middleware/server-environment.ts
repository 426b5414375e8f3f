import type { KeyBudgetVariables } from "./key-budget-limit.ts";
import type { RequestAbortVariables } from "./request-abort.ts";
import type { RequestContextVariables } from "./request-context.ts";

/** Per-request values of the Hono context, set by the server's middlewares. */
export interface ServerEnvironment {
  Variables: RequestContextVariables & RequestAbortVariables & KeyBudgetVariables;
}
