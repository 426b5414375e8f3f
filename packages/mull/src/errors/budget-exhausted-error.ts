import type { StopReason, Usage } from "../spec/index.ts";
import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.budget-exhausted");

/** What a run spent before its budget ran out. */
export interface ExhaustedSpending {
  /** Token usage and model calls, cut calls included. */
  readonly usage: Usage;
  /** Scorer calls. */
  readonly scoreCalls: number;
}

/**
 * The budget ran out before a strategy could produce anything to return. Strategies that have a
 * best-so-far return it instead of throwing.
 */
export class BudgetExhaustedError extends MullError {
  protected readonly [marker] = true;
  readonly reason: StopReason;
  /**
   * What the run spent before the budget ran out: set by `runStrategy` as the error leaves each run, so
   * that the caller of `solve` holds the whole run's account (calls that the cut aborted are charged too).
   */
  spent: ExhaustedSpending | undefined;

  constructor(reason: StopReason) {
    super(`the budget ran out (${reason}) before any candidate was produced`);
    this.name = "BudgetExhaustedError";
    this.reason = reason;
    this.spent = undefined;
  }

  static override isInstance(error: unknown): error is BudgetExhaustedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
