import { BudgetExhaustedError, findCause } from "../../errors/index.ts";
import type { Usage } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";

/** Prompt and completion tokens of `usage`, counts it does not know taken as 0. */
function tokensOf(usage: Usage): number {
  return (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0);
}

/**
 * The tokens a failed request had used, as far as its error tells: the usage an `ApiError` in its chain
 * of causes carries (the samples that finished before a quorum was missed), else what a run whose budget
 * ran out had spent (`BudgetExhaustedError.spent`), else 0 (an upstream error status, an open circuit, a
 * refusal, an abort: nothing the upstream reported). Its key's reservation is settled with this.
 *
 * @example
 * await reservation.settle(usedBeforeFailure(error));
 */
export function usedBeforeFailure(error: unknown): number {
  const carried =
    findCause(error, (cause): cause is ApiError => cause instanceof ApiError && cause.usage !== undefined)
      ?.usage ?? findCause(error, BudgetExhaustedError.isInstance)?.spent?.usage;
  return carried === undefined ? 0 : tokensOf(carried);
}
