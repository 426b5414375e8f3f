import { addUsage, budgetShortfall, emptyUsage } from "../budget/index.ts";
import { MullError } from "../errors/index.ts";
import type { RecordedOutcome } from "../generation/index.ts";
import type { CallOptions, ScoreEvent, StrategyContext, Usage } from "../spec/index.ts";
import { withScoreSpan } from "../telemetry/index.ts";
import { scoreCallsCharged } from "./score-calls-charged.ts";

/** The fields of a `score` event that come from a scorer's result (it hangs under the scored solution). */
export type ScoreEventFields = Pick<ScoreEvent, "scorer" | "value" | "steps" | "detail">;

/** A `score` event as recorded, less where it hangs. */
type ScoreEventInput = ScoreEventFields & Pick<ScoreEvent, "usage" | "model">;

/** A scorer's answer for a batch: one result per solution, and what producing them cost. */
export interface ScoredBatch<Result> {
  /** One result per solution scored, in the order of `parentIds`. */
  readonly results: readonly Result[];
  /**
   * Calls the scorer made to a model or service; 0 for programmatic checks. The run is charged at least
   * one scorer call for the invocation whatever this says (`scoreCallsCharged`).
   */
  readonly calls: number;
  /** Model usage, when the scorer calls a model. */
  readonly usage?: Usage | undefined;
}

/** Options of `scoreRecorded`. */
export interface ScoreRecordedOptions<Result> {
  /** The run's context: its budget plans and is charged for the call, its tracer records the events. */
  readonly context: StrategyContext;
  /** Trace ids of the solutions scored, in order: one `score` event hangs under each. */
  readonly parentIds: readonly string[];
  /** The scorer's name, e.g. `judge`: its span is `mull.score <scorer>`, its `mull.scorer` attribute the same. */
  readonly scorer: string;
  /** The scorer as errors name it, e.g. `PRM "shepherd"`; default `scorer "<scorer>"`. */
  readonly describedAs?: string | undefined;
  /** What one result is called in errors: `scores`, `results`. */
  readonly resultName: string;
  /** Makes the scorer call, with the run's signal. */
  readonly score: (callOptions: CallOptions) => Promise<ScoredBatch<Result>>;
  /**
   * The `score` event of one result. It may throw on a result that does not fit (a reward outside
   * [0, 1]); every event is built before any is recorded, so a throw records none.
   */
  readonly event: (result: Result, index: number) => ScoreEventFields;
  /**
   * The model that scores, as its backend describes itself, when the call is a model's own reading rather
   * than a scorer's (a router's large model reading a small model's tokens with `score()`): it then needs
   * room for one more model call, not a scorer call; its usage is charged whole, calls included, like a
   * generation's; and the first `score` event carries that usage and `model`, so `usageByModel` counts it.
   * Default: a scorer call.
   */
  readonly model?: string | undefined;
}

/** What `scoreRecorded` produced and why it stopped; `usage` is the scorer's model usage. */
export interface ScoreRecordedResult<Result> extends RecordedOutcome {
  /** The results, in order; `undefined` when the budget or an abort prevented or cut the call. */
  readonly results: readonly Result[] | undefined;
  /** The values recorded in the `score` events, in order (when scored). */
  readonly values: readonly number[] | undefined;
  /** Scorer calls charged to the run (`scoreCallsCharged`): 0 when nothing was scored or for a model's reading. */
  readonly calls: number;
}

/**
 * Makes one scorer call on behalf of a run, the way every scoring block must: it does not start when the
 * budget cannot afford a scorer call; an abort or a passed deadline during the call comes back as the
 * budget's stop reason; a batch with the wrong number of results is an error; the invocation is charged
 * with `budget.chargeScore` (at least one scorer call, a programmatic check's included: `scoreCallsCharged`)
 * and the scorer's token usage to the budget's token account (not its call count: those are scorer
 * calls); one `score` event is recorded under each solution. The call is an
 * OpenTelemetry span (`withScoreSpan`), child of the active span. A model's reading (`model`) is counted as
 * a model call instead.
 *
 * @throws MullError `<describedAs> returned <k> <resultName> for <n> solutions` on a batch of the wrong size.
 * @example
 * const { results, stoppedBy } = await scoreRecorded({
 *   context,
 *   parentIds: candidates.map((candidate) => candidate.id),
 *   scorer: scorer.name,
 *   resultName: "scores",
 *   score: async (callOptions) => {
 *     const batch = await scorer.score(problem, candidates, callOptions);
 *     return { results: batch.scores, calls: batch.calls, usage: batch.usage };
 *   },
 *   event: (score) => ({ scorer: score.scorer, value: score.value, steps: score.steps, detail: score.detail }),
 * });
 */
export async function scoreRecorded<Result>(
  options: ScoreRecordedOptions<Result>,
): Promise<ScoreRecordedResult<Result>> {
  const { context, parentIds } = options;
  const { budget, tracer } = context;
  const notScored = (stoppedBy: ScoreRecordedResult<Result>["stoppedBy"]): ScoreRecordedResult<Result> => ({
    results: undefined,
    values: undefined,
    stoppedBy,
    calls: 0,
    usage: emptyUsage,
  });
  const { model } = options;
  const shortfall = budgetShortfall(budget, model === undefined ? { scoreCalls: 1 } : { calls: 1 });
  if (shortfall !== undefined) return notScored(shortfall);
  let batch: ScoredBatch<Result>;
  try {
    batch = await withScoreSpan(
      { scorer: options.scorer, solutions: parentIds.length, signal: context.signal },
      () => options.score({ signal: context.signal }),
    );
  } catch (error) {
    if (!context.signal.aborted) throw error;
    return notScored(budgetShortfall(budget, {}) ?? "abort");
  }
  if (batch.results.length !== parentIds.length) {
    throw new MullError(
      `${options.describedAs ?? `scorer ${JSON.stringify(options.scorer)}`} returned ${batch.results.length} ${options.resultName} for ${parentIds.length} solutions`,
    );
  }
  // A model's reading is a model call, charged with its usage below: no scorer call.
  const calls = model === undefined ? scoreCallsCharged(batch.calls) : 0;
  budget.chargeScore(calls);
  if (batch.usage !== undefined)
    budget.charge(model === undefined ? { ...batch.usage, calls: 0 } : batch.usage);
  const events: ScoreEventInput[] = batch.results.map((result, index) => options.event(result, index));
  if (model !== undefined && events[0] !== undefined) {
    events[0] = { ...events[0], model, ...(batch.usage === undefined ? {} : { usage: batch.usage }) };
  }
  events.forEach((event, index) => {
    tracer.record({ type: "score", parentId: parentIds[index]!, ...event });
  });
  return {
    results: batch.results,
    values: events.map((event) => event.value),
    stoppedBy: "complete",
    calls,
    usage: batch.usage === undefined ? emptyUsage : addUsage(batch.usage),
  };
}
