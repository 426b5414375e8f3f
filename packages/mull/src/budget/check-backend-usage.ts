import { BackendCallError } from "../errors/index.ts";
import type { Backend, Usage } from "../spec/index.ts";
import { usageFault } from "./usage-fault.ts";

/**
 * Refuses the usage a backend reported for a call before it is charged to a run, when it breaks the
 * `Usage` contract (`usageFault`). A usage without `calls` is refused rather than read as one call: a
 * backend without native `n` fans a call out into several requests, and only it knows how many it made.
 *
 * @throws BackendCallError (not retryable) naming the backend and the fault: `mine backend (model m)
 * returned usage without calls: usage.calls must be an integer ≥ 0, got undefined`.
 * @example
 * checkBackendUsage(backend, result.usage);
 * budget.charge(result.usage);
 */
export function checkBackendUsage(backend: Backend, usage: unknown): void {
  const fault = usageFault(usage);
  if (fault === undefined) return;
  const { kind, model } = backend.describe();
  const missingCalls =
    fault.field === "calls" && (usage as Partial<Record<keyof Usage, unknown>>).calls === undefined;
  throw new BackendCallError(
    `${kind} backend (model ${model}) returned ${missingCalls ? "usage without calls" : "invalid usage"}: ${fault.message}`,
    { isRetryable: false },
  );
}
