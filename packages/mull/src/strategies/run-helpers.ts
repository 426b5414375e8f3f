import { BudgetExhaustedError, CapabilityError, ConfigError } from "../errors/index.ts";
import type { StopReason, StrategyContext } from "../spec/index.ts";

/** Temperature of sampling strategies when neither the strategy nor the run sets one. */
export const defaultSamplingTemperature = 0.7;

/** The first reason that is not `complete`, else `complete`. */
export function firstStop(...reasons: readonly StopReason[]): StopReason {
  return reasons.find((reason) => reason !== "complete") ?? "complete";
}

/** Whether a stop reason cut the plan short (a budget limit, the deadline, an abort), not a planned stop. */
export function isCut(reason: StopReason): boolean {
  return reason !== "complete" && !reason.startsWith("condition:");
}

/** Throws when a run produced nothing to return. */
export function requireSomething(count: number, reason: StopReason): void {
  if (count === 0) throw new BudgetExhaustedError(reason === "complete" ? "calls" : reason);
}

/** Throws a `CapabilityError` when the run's backend lacks per-token log-probabilities. */
export async function requireLogprobs(context: StrategyContext, requiredBy: string): Promise<void> {
  const capabilities = await context.backend.capabilities({ signal: context.signal });
  if (!capabilities.logprobs) {
    const description = context.backend.describe();
    throw new CapabilityError(
      "logprobs",
      requiredBy,
      `the ${description.kind} backend (${description.model})`,
    );
  }
}

/** Checks a strategy's sample count. */
export function checkSampleCount(strategy: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError(`${strategy}: n must be an integer ≥ 1, got ${JSON.stringify(n)}`, { field: "n" });
  }
}
