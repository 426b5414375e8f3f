import { integerRule, mustBe, numberRule } from "../runtime/index.ts";
import type { Usage } from "../spec/index.ts";

/** What is wrong with a usage, for the message of whoever refuses it. */
export interface UsageFault {
  /** The count at fault (`calls`), or `undefined` when the usage is no object at all. */
  readonly field: keyof Usage | undefined;
  /** The fault in the shared wording: `usage.calls must be an integer ≥ 0, got undefined`. */
  readonly message: string;
}

const callCount = integerRule({ minimum: 0 });
// Backends pass on what a server reports, which is not always a whole number: only its sign and kind are checked.
const tokenCount = numberRule({ minimum: 0 });
const tokenCountExpected = `${tokenCount.expected} or undefined (not reported)`;

/** The token counts of `Usage`, each a count or `undefined` where it was not reported. */
const tokenFields = ["promptTokens", "completionTokens", "cachedPromptTokens", "reasoningTokens"] as const;

/**
 * The first fault of a usage against the `Usage` contract, or `undefined` when it has none: `calls` must
 * be an integer ≥ 0 (it is always known), and every token count a number ≥ 0 or `undefined`. A budget
 * that summed a missing `calls` would count no call at all, and a limit on calls would never run out.
 *
 * @example
 * usageFault({ promptTokens: 10, completionTokens: 5 })?.message;
 * // "usage.calls must be an integer ≥ 0, got undefined"
 */
export function usageFault(usage: unknown): UsageFault | undefined {
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) {
    return {
      field: undefined,
      message: `usage ${mustBe("a usage object { promptTokens, completionTokens, calls }", usage)}`,
    };
  }
  const counts = usage as Partial<Record<keyof Usage, unknown>>;
  if (!callCount.accepts(counts.calls)) {
    return { field: "calls", message: `usage.calls ${mustBe(callCount.expected, counts.calls)}` };
  }
  for (const field of tokenFields) {
    const value = counts[field];
    if (value !== undefined && !tokenCount.accepts(value)) {
      return { field, message: `usage.${field} ${mustBe(tokenCountExpected, value)}` };
    }
  }
  return undefined;
}
