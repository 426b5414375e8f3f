import type { KeyBudgetVariables } from "./key-budget-limit.ts";
import type { RequestAbortVariables } from "./request-abort.ts";
import type { RequestContextVariables } from "./request-context.ts";

/** Per-request values of the Hono context, set by the server's middlewares. */
export interface ServerEnvironment {
  /**
   * Read with `context.get`: the request's id, arrival time, logger and response end (`requestContext`),
   * its abort (`requestAbort`) and its key's token budget (`keyBudgetLimit`).
   */
  Variables: RequestContextVariables & RequestAbortVariables & KeyBudgetVariables;
}
