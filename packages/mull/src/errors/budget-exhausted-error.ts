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

/** What cut the run, in words: the caller's abort and the deadline are no budget that ran out. */
function cutInWords(reason: StopReason): string {
  if (reason === "abort") return "the run was aborted";
  if (reason === "time") return "the time limit passed";
  return `the budget ran out (${reason})`;
}

/**
 * The budget, the deadline or an abort cut a strategy before it had an answer: it produced nothing, or
 * nothing that answers (samples without one, a search whose paths were all unfinished). Strategies that
 * have a best answer so far return it instead, with `partial: true`.
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
    super(`${cutInWords(reason)} before any answer was produced`);
    this.name = "BudgetExhaustedError";
    this.reason = reason;
    this.spent = undefined;
  }

  static override isInstance(error: unknown): error is BudgetExhaustedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
