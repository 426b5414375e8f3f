import { isStopReason, stopReasonsInWords } from "../budget/index.ts";
import { ConfigError } from "../errors/index.ts";
import { describeValue } from "../runtime/index.ts";
import type { Strategy, StrategyOutcome } from "../spec/index.ts";

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first field of an outcome that breaks the `StrategyOutcome` contract, with what it must be. */
function fault(
  outcome: Readonly<Record<string, unknown>>,
): { field: string; value: unknown; expected: string } | undefined {
  const { answer, best, candidates, votes, stoppedBy } = outcome;
  if (answer !== undefined && typeof answer !== "string") {
    return { field: "answer", value: answer, expected: "a string, or undefined for no answer" };
  }
  if (best !== undefined && !isObject(best)) {
    return { field: "best", value: best, expected: "a candidate, or undefined" };
  }
  if (!Array.isArray(candidates)) {
    return { field: "candidates", value: candidates, expected: "an array of candidates" };
  }
  const index = candidates.findIndex((candidate) => !isObject(candidate));
  if (index >= 0) {
    return { field: `candidates[${index}]`, value: candidates[index], expected: "a candidate (an object)" };
  }
  if (votes !== undefined) {
    if (!isObject(votes)) {
      return {
        field: "votes",
        value: votes,
        expected: "vote counts by answer key (an object), or undefined",
      };
    }
    for (const [key, count] of Object.entries(votes)) {
      // A tally of weights (log-probabilities, confidences) may be any number: only its kind is checked.
      if (typeof count !== "number") {
        return {
          field: `votes[${JSON.stringify(key)}]`,
          value: count,
          expected: "a number (votes or weight)",
        };
      }
    }
  }
  if (!isStopReason(stoppedBy)) {
    return { field: "stoppedBy", value: stoppedBy, expected: `one of ${stopReasonsInWords}` };
  }
  return undefined;
}

/**
 * Checks what a strategy's `run` returned against the `StrategyOutcome` contract, once per run, so that
 * a strategy of one's own that returns something else is named at once rather than failing later on
 * what reads it (an answer that is a number, a missing stop reason, one no caller knows): `answer` a
 * string or `undefined`, `best` a candidate or `undefined`, `candidates` an array of candidates, `votes`
 * numbers by answer key or `undefined`, and `stoppedBy` a `StopReason`.
 *
 * @throws ConfigError naming the strategy, the field, the value and what it must be (`runStrategy:
 * strategy two-agree@4 returned stoppedBy "done"; expected one of complete, tokens, …`), with `field` set
 * to the field.
 * @example
 * const outcome = checkStrategyOutcome(strategy, await strategy.run(problem, context));
 */
export function checkStrategyOutcome(strategy: Strategy, outcome: unknown): StrategyOutcome {
  const owner = `runStrategy: strategy ${strategy.name}`;
  if (!isObject(outcome)) {
    throw new ConfigError(
      `${owner} returned ${describeValue(outcome)}; expected an outcome { answer, best, candidates, votes, stoppedBy }`,
      { field: "outcome" },
    );
  }
  const found = fault(outcome);
  if (found !== undefined) {
    throw new ConfigError(
      `${owner} returned ${found.field} ${describeValue(found.value)}; expected ${found.expected}`,
      { field: found.field },
    );
  }
  return outcome as unknown as StrategyOutcome;
}
