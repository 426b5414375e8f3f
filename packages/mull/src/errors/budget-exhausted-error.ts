import type { StopReason } from "../spec/index.ts";
import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.budget-exhausted");

/**
 * The budget ran out before a strategy could produce anything to return. Strategies that have a
 * best-so-far return it instead of throwing.
 */
export class BudgetExhaustedError extends MullError {
  protected readonly [marker] = true;
  readonly reason: StopReason;

  constructor(reason: StopReason) {
    super(`the budget ran out (${reason}) before any candidate was produced`);
    this.name = "BudgetExhaustedError";
    this.reason = reason;
  }

  static override isInstance(error: unknown): error is BudgetExhaustedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
