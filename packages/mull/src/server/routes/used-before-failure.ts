import { BackendCallError, BudgetExhaustedError, findCause } from "../../errors/index.ts";
import type { Usage } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";

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
 * The tokens a failed request is charged for `used` (its `failureUsage`): prompt and completion tokens,
 * counts it does not know taken as 0; 0 when nothing is known. Its key's reservation is settled with this.
 *
 * @example
 * await reservation.settle(chargedTokens(failureUsage(error, meter.usage())));
 */
export function chargedTokens(used: Usage | undefined): number {
  return used === undefined ? 0 : (used.promptTokens ?? 0) + (used.completionTokens ?? 0);
}

/**
 * What a failed request is charged, and counted in `/metrics`: the fuller, by its tokens (counts unknown
 * taken as 0), of what its error tells (`usageBeforeFailure`) and what its upstream calls reported as
 * they ended (`metered`, `UsageMeter.usage`: it also sees the calls a fan-out or an abort left out of
 * the error); `undefined` when neither tells anything.
 *
 * @example
 * const used = failureUsage(error, meter.usage());
 * await reservation.settle(chargedTokens(used));
 */
export function failureUsage(error: unknown, metered: Usage | undefined): Usage | undefined {
  const told = usageBeforeFailure(error);
  if (told === undefined) return metered;
  if (metered === undefined) return told;
  return chargedTokens(metered) > chargedTokens(told) ? metered : told;
}
