import { z } from "zod";
import { createChildBudget, isBudgetLimit } from "../budget/index.ts";
import { BudgetExhaustedError } from "../errors/index.ts";
import { expecting, integerSchema, parseOptions } from "../runtime/index.ts";
import type {
  Problem,
  StopReason,
  Strategy,
  StrategyContext,
  StrategyOutcome,
  StrategyResult,
} from "../spec/index.ts";
import { checkStrategyOutcome } from "./check-strategy-outcome.ts";
import { finishedSample } from "./finished-sample.ts";
import { flagOption, strategyOption } from "./option-schemas.ts";
import { problemArgument, strategyContextArgument } from "./run-arguments.ts";

/** Whether a stop reason cut the plan short (a budget limit, the deadline, an abort), not a planned stop. */
function isCut(reason: StopReason): boolean {
  return reason !== "complete" && !reason.startsWith("condition:");
}

/** Options of `runStrategy`. */
export interface RunStrategyOptions {
  /** The run's seed, recorded on its `run-start` event (the root run's; nested runs leave it out). */
  readonly seed?: number | undefined;
  /**
   * The run is one round of a wrapper that chooses the answer over every round's candidates itself
   * (`withEarlyStop`): the round's own choice is not the answer, so the strategy's `selectionNote` is not
   * recorded for it (the wrapper's run records it over all candidates). Default false.
   */
  readonly round?: boolean | undefined;
}

/** The arguments, checked before the run records anything. */
const runStrategyArguments = z.object({
  strategy: strategyOption,
  problem: problemArgument,
  context: strategyContextArgument,
  options: z
    .strictObject(
      {
        seed: integerSchema().optional(),
        round: flagOption.optional(),
      } satisfies Record<keyof RunStrategyOptions, unknown>,
      { error: expecting("an options object { seed, round }") },
    )
    .optional(),
});

/**
 * Runs a strategy as one node of the trace, on a child of the context's budget, and returns its outcome
 * with the cost account: the run records `run-start` (under `context.parentId`) and `run-end`; what the
 * strategy spent (usage and score calls) is measured on the child budget, whose charges go through to the
 * parent; `partial` says whether a limit, the deadline or an abort cut the plan (the answer is then the
 * best so far); the strategy's `selectionNote` on its candidates, if it has one to say, is recorded as a
 * `note` before `run-end` (not for a `round`). `best` is the candidate the answer came from, `undefined`
 * when the strategy named one without an answer. Strategies never add up their own usage: wrappers
 * (early stopping, routing) run their inner strategies through this.
 *
 * @throws ConfigError before anything runs, for an argument that is missing or of the wrong kind
 * (`runStrategy: context: missing; expected a strategy context …`) or a strategy without a `name`, its
 * `parameters` or a `samples` count ≥ 1 (`runStrategy: strategy.samples must be an integer ≥ 1, got 0`);
 * after the run, for an outcome that breaks the `StrategyOutcome` contract (`checkStrategyOutcome`:
 * `runStrategy: strategy mine@4 returned stoppedBy "done"; expected one of complete, tokens, …`).
 * @throws BudgetExhaustedError with the reason, when the strategy produced nothing before a limit, the
 * deadline or an abort cut it, or when a budget limit (`isBudgetLimit`: `calls`, `tokens`, `score-calls`,
 * `time`, …) stopped it before any sample finished (a search whose paths were all unfinished, kept among
 * the candidates with finish reason `cut`); finished samples without an answer (free text) are returned,
 * `best` undefined: the run still records its `run-end` (with that reason and what it spent), and the
 * error's `spent` holds the run's usage and scorer calls. A run that ran its plan, that a stop condition
 * ended, or that the caller aborted after something finished, returns without an answer instead. Other
 * errors of the strategy pass through unchanged.
 * @example
 * const result = await runStrategy(selfConsistency({ n: 4 }), problem, context);
 * console.log(result.answer, result.usage, result.partial);
 */
export async function runStrategy(
  strategy: Strategy,
  problem: Problem,
  context: StrategyContext,
  options: RunStrategyOptions = {},
): Promise<StrategyResult> {
  parseOptions(runStrategyArguments, { strategy, problem, context, options }, "runStrategy");
  const { tracer } = context;
  const runId = tracer.record({
    type: "run-start",
    parentId: context.parentId,
    strategy: strategy.name,
    parameters: strategy.parameters,
    question: problem.question,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const budget = createChildBudget(context.budget, context.clock);
  let outcome: StrategyOutcome;
  try {
    outcome = checkStrategyOutcome(
      strategy,
      await strategy.run(problem, { ...context, budget, parentId: runId }),
    );
    // A limit ran out before any sample finished: there is no best so far to return, whatever had been
    // started (a search's partial paths are candidates cut short). Finished samples without an answer (free
    // text) are still returned, as a run that ran its plan returns them. An abort returns what it has: the
    // caller stopped the run, and may still read what finished.
    if (
      outcome.answer === undefined &&
      isBudgetLimit(outcome.stoppedBy) &&
      !outcome.candidates.some(finishedSample)
    ) {
      throw new BudgetExhaustedError(outcome.stoppedBy);
    }
  } catch (error) {
    // A run the budget cut before it produced an answer still ends in the trace, and says what it spent.
    if (BudgetExhaustedError.isInstance(error)) {
      const spent = budget.ownSpent();
      tracer.record({
        type: "run-end",
        parentId: runId,
        answer: undefined,
        stoppedBy: error.reason,
        usage: spent.usage,
      });
      error.spent = { usage: spent.usage, scoreCalls: spent.scoreCalls };
    }
    throw error;
  }
  const note = options.round === true ? undefined : strategy.selectionNote?.(outcome.candidates);
  if (note !== undefined) tracer.record({ type: "note", parentId: runId, message: note });
  const spent = budget.ownSpent();
  tracer.record({
    type: "run-end",
    parentId: runId,
    answer: outcome.answer,
    stoppedBy: outcome.stoppedBy,
    usage: spent.usage,
  });
  return {
    ...outcome,
    // `best` is the candidate the answer came from: one without an answer (an unfinished search path, the
    // top-scored of unanswered samples) is none.
    best: outcome.best?.answer === undefined ? undefined : outcome.best,
    partial: isCut(outcome.stoppedBy),
    usage: spent.usage,
    scoreCalls: spent.scoreCalls,
  };
}
