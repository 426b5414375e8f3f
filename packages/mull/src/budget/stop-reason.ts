import type { StopReason } from "../spec/index.ts";

/** The stop reasons other than a stop condition's `condition:<name>`. */
type FixedStopReason = Exclude<StopReason, `condition:${string}`>;

// A record, not a list, so that a reason added to `StopReason` cannot be left out here.
const fixedStopReasons: Record<FixedStopReason, true> = {
  complete: true,
  tokens: true,
  "completion-tokens": true,
  calls: true,
  "score-calls": true,
  time: true,
  cost: true,
  abort: true,
};

/**
 * Every stop reason in words, for messages that refuse another: `complete, tokens, completion-tokens,
 * calls, score-calls, time, cost, abort or condition:<name>`.
 */
export const stopReasonsInWords = `${Object.keys(fixedStopReasons).join(", ")} or condition:<name>`;

/**
 * Whether a value is a `StopReason`: one of the fixed reasons, or `condition:` followed by a stop
 * condition's name (not empty).
 *
 * @example
 * isStopReason("calls"); // true
 * isStopReason("condition:consensus"); // true
 * isStopReason("done"); // false
 */
export function isStopReason(value: unknown): value is StopReason {
  if (typeof value !== "string") return false;
  return Object.hasOwn(fixedStopReasons, value) || /^condition:./s.test(value);
}
