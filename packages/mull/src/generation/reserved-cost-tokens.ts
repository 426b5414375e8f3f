import { costAllowance } from "../budget/index.ts";
import type { Budget } from "../spec/index.ts";

/** What {@link reservedCostTokens} sizes: a call's completions, its prompt, and what comes after it. */
export interface ReservedCostCall {
  /** Completions the call asks for, at least 1. */
  readonly shares: number;
  /** What the call will be charged for its prompt. */
  readonly promptTokens: number;
  /** Generated tokens the call after it needs. */
  readonly reserveTokens: number;
  /** Whether the call after it reads the call's prompt and all its completions again, as its prompt. */
  readonly rereads: boolean;
}

/**
 * The most tokens each completion of a call may write so that the call, and the `reserveTokens` the call
 * after it writes, stay within the budget's money limit (`maxCostUsd`) at its prices (`Budget.price`),
 * each count at its own price (`costAllowance().affords`): `shares × each` written, and where the next call
 * `rereads`, the prompt charged once more and the written tokens charged again at the prompt price. Below
 * 0 when the prompt and the reserve alone do not fit; `undefined` when the budget has no priced money limit
 * or the limit bounds nothing (tokens that cost nothing).
 *
 * @example
 * // 50 USD millionths left at 1 per million tokens each, a 10-token prompt re-read, 8 kept: 2 × (10 + 11) + 8 = 50.
 * reservedCostTokens(budget, { shares: 1, promptTokens: 10, reserveTokens: 8, rereads: true }); // 11
 */
export function reservedCostTokens(budget: Budget, call: ReservedCostCall): number | undefined {
  const allowance = costAllowance(budget);
  if (allowance === undefined) return undefined;
  const { shares, promptTokens, reserveTokens, rereads } = call;
  const fits = (each: number): boolean => {
    const written = shares * each;
    return rereads
      ? allowance.affords(2 * promptTokens + written, written + reserveTokens)
      : allowance.affords(promptTokens, written + reserveTokens);
  };
  if (!fits(0)) return -1;
  // The largest count that fits: doubled until one does not, then halved between the two.
  let fitting = 0;
  let over = 1;
  while (fits(over)) {
    fitting = over;
    over *= 2;
    if (over > Number.MAX_SAFE_INTEGER) return undefined;
  }
  while (over - fitting > 1) {
    const middle = Math.floor((fitting + over) / 2);
    if (fits(middle)) fitting = middle;
    else over = middle;
  }
  return fitting;
}
