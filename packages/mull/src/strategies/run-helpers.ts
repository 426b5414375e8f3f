import type { RunProgress } from "../budget/index.ts";
import { BudgetExhaustedError } from "../errors/index.ts";
import { majorityVote, tallyAnswers } from "../selection/index.ts";
import type { Candidate, SamplingStrategy, Selector, StopReason, StrategyContext } from "../spec/index.ts";

/** Temperature of sampling strategies when neither the strategy nor the run sets one. */
export const defaultSamplingTemperature = 0.7;

/** The first reason that is not `complete`, else `complete`. */
export function firstStop(...reasons: readonly StopReason[]): StopReason {
  return reasons.find((reason) => reason !== "complete") ?? "complete";
}

/** What stop conditions read of a run's `candidates` so far: the context's spending, votes and answer keys. */
export function runProgress(candidates: readonly Candidate[], context: StrategyContext): RunProgress {
  return {
    spent: context.budget.spent(),
    candidates,
    votes: tallyAnswers(candidates, context.answerFormat),
    keys: candidates.map((candidate) =>
      candidate.answer === undefined ? undefined : context.answerFormat.key(candidate.answer),
    ),
  };
}

/** Throws when a run produced nothing to return. */
export function requireSomething(count: number, reason: StopReason): void {
  if (count === 0) throw new BudgetExhaustedError(reason === "complete" ? "calls" : reason);
}

/**
 * A selector that falls back to a majority vote when `usable` says the primary selector has nothing to go
 * on (no candidate scored, no candidate could be weighed). With `note`, it records that `note` in the trace
 * each time it falls back, for a selection that is no strategy's own (a search's final pick); a strategy
 * leaves it out and says it through its `selectionNote` (`majorityFallbackNote`), which `runStrategy`
 * records once, over every round of a wrapper too.
 *
 * @example
 * const select = withMajorityFallback(weightedVote({ weight }), someWeighable(weighable));
 */
export function withMajorityFallback(
  primary: Selector,
  usable: (candidates: readonly Candidate[]) => boolean,
  note?: string,
): Selector {
  const fallback = majorityVote();
  return (candidates, context) => {
    if (usable(candidates)) return primary(candidates, context);
    if (note !== undefined)
      context.tracer.record({ type: "note", parentId: context.parentId, message: note });
    return fallback(candidates, context);
  };
}

/**
 * The `selectionNote` of a strategy that chooses by `withMajorityFallback(primary, usable)`: `note` when
 * `usable` says that choice fell back to a majority vote over `candidates`, else `undefined`.
 *
 * @example
 * const selectionNote = majorityFallbackNote(someWeighable(weighable), majorityFallbackMessage("rpc@8", "no candidate could be weighed"));
 */
export function majorityFallbackNote(
  usable: (candidates: readonly Candidate[]) => boolean,
  note: string,
): (candidates: readonly Candidate[]) => string | undefined {
  return (candidates) => (usable(candidates) ? undefined : note);
}

/**
 * The `usable` test of `withMajorityFallback` for a weighted vote: some candidate with an answer can be
 * weighed, or no candidate has an answer (a majority vote would find nothing either).
 */
export function someWeighable(
  weighable: (candidate: Candidate) => boolean,
): (candidates: readonly Candidate[]) => boolean {
  return (candidates) =>
    candidates.some(weighable) || candidates.every((candidate) => candidate.answer === undefined);
}

/**
 * The name of an adaptive wrapper around a sampling strategy: `family@N` around self-consistency's `sc@N`
 * (the catalog's spec), `family(inner)` around anything else, e.g. `asc(bon@8)`. Only the inner strategy's
 * name and sample count are read, so a spec's canonical text can be named before anything is built.
 */
export function wrapperName(family: string, inner: Pick<SamplingStrategy, "name" | "samples">): string {
  return inner.name === `sc@${inner.samples}` ? `${family}@${inner.samples}` : `${family}(${inner.name})`;
}
