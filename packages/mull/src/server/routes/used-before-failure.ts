import { BackendCallError, BudgetExhaustedError, findCause } from "../../errors/index.ts";
import type { Usage } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";

/** Prompt and completion tokens of `usage`, counts it does not know taken as 0. */
function tokensOf(usage: Usage): number {
  return (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0);
}

/**
 * The usage of a failed request, as far as its error tells: the usage an `ApiError` in its chain of
 * causes carries (the samples that finished before a quorum was missed), else what a run whose budget ran
 * out had spent (`BudgetExhaustedError.spent`), else what a failed upstream call had used
 * (`BackendCallError.usage`: the tokens a stream generated before it broke), else `undefined` (an
 * upstream error status, an open circuit, a refusal, an abort: nothing the upstream reported).
 *
 * @example
 * const used = usageBeforeFailure(error);
 * if (used !== undefined) metrics.countUsage(upstream, used, model);
 */
export function usageBeforeFailure(error: unknown): Usage | undefined {
  return (
    findCause(error, (cause): cause is ApiError => cause instanceof ApiError && cause.usage !== undefined)
      ?.usage ??
    findCause(error, BudgetExhaustedError.isInstance)?.spent?.usage ??
    findCause(
      error,
      (cause): cause is BackendCallError => BackendCallError.isInstance(cause) && cause.usage !== undefined,
    )?.usage
  );
}

/**
 * The tokens a failed request had used (`usageBeforeFailure`, counts it does not know taken as 0), 0 when
 * its error tells nothing the upstream reported. Its key's reservation is settled with this.
 *
 * @example
 * await reservation.settle(usedBeforeFailure(error));
 */
export function usedBeforeFailure(error: unknown): number {
  const used = usageBeforeFailure(error);
  return used === undefined ? 0 : tokensOf(used);
}
