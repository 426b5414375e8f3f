import {
  addUsage,
  budgetShortfall,
  type CompletionTokenCap,
  completionTokenCap,
  emptyUsage,
  limitsTokens,
} from "../budget/index.ts";
import {
  capabilitiesOrStop,
  promptCharacters,
  type RecordedCallOptions,
  type RecordedOutcome,
} from "../generation/index.ts";
import type { Problem, Prompt, SamplingSettings, StopReason } from "../spec/index.ts";
import { type ExtendOneStepResult, extendOneStep, type StepExtension } from "./extend-one-step.ts";
import type { StepCostMeter } from "./step-cost-meter.ts";
import { defaultStepFormat, type StepFormat } from "./step-format.ts";
import { stepPrompt } from "./step-prompt.ts";

/** One partial solution to extend, and how many next steps to sample for it. */
export interface PartialToExtend {
  /** The partial solution's steps so far (empty to write the first step). */
  readonly steps: readonly string[];
  /** How many next steps to sample from it, an integer ≥ 1. */
  readonly n: number;
  /** Its trace node (the last step's generation). */
  readonly parentId?: string | undefined;
  /** Overrides of the run's sampling for this partial (e.g. `{ temperature: 0 }` for a greedy look-ahead). */
  readonly sampling?: SamplingSettings | undefined;
}

/** Options of `extendEachOneStep`. */
export interface ExtendEachOneStepOptions extends Omit<RecordedCallOptions, "parentId"> {
  /** The problem the partial solutions answer. */
  readonly problem: Problem;
  /** Each extended under its own trace node: `parentId` is per partial. */
  readonly partials: readonly PartialToExtend[];
  /** How steps are delimited and written into the prompt; default one per line, `####` final. */
  readonly format?: StepFormat | undefined;
  /** The run's cost meter; it sizes the wave against the budget. */
  readonly meter: StepCostMeter;
  /** The problem's prompt; default `problem.prompt`, else `context.promptTemplate(problem)`. */
  readonly prompt?: Prompt | undefined;
}

/**
 * What `extendEachOneStep` produced: `complete` when every partial was extended, else the limit that cut
 * the wave.
 */
export interface ExtendEachOneStepResult extends RecordedOutcome {
  /** One list per partial, in order: its next steps (empty for a partial the budget did not reach). */
  readonly extensions: readonly (readonly StepExtension[])[];
}

/**
 * Extends several partial solutions by one step each, concurrently (a batching backend evaluates them
 * together), as one wave sized to the budget: only as many partials as the budget affords are started,
 * by the meter's estimate of a step's cost; when nothing has been measured yet under a token limit, the
 * first partial goes alone to measure; the partials started together share the tokens left (a step that
 * runs into its share was cut by the budget). Partials left out get no extensions and `stoppedBy` names the
 * limit; a run cut before the wave starts (while the backend's capabilities were asked,
 * `capabilitiesOrStop`) extends none. Seeds are drawn from `context.rng` in the order of the partials, so a
 * run is reproducible.
 *
 * @example
 * const meter = createStepCostMeter();
 * const wave = await extendEachOneStep({
 *   problem,
 *   partials: particles.map((particle) => ({ steps: particle.steps, parentId: particle.id, n: 1 })),
 *   context,
 *   meter,
 * });
 */
export async function extendEachOneStep(options: ExtendEachOneStepOptions): Promise<ExtendEachOneStepResult> {
  const { problem, partials, context, meter } = options;
  const format = options.format ?? defaultStepFormat;
  const base = options.prompt ?? problem.prompt ?? context.promptTemplate(problem);
  const asked = await capabilitiesOrStop(context);
  if (asked.stoppedBy !== undefined) {
    return { extensions: partials.map(() => []), stoppedBy: asked.stoppedBy, usage: emptyUsage };
  }
  const { capabilities } = asked;
  const results: ExtendOneStepResult[] = [];
  let stoppedBy: StopReason = "complete";
  const extend = (partial: PartialToExtend, seed: number, share: CompletionTokenCap | undefined) =>
    extendOneStep({
      problem,
      steps: partial.steps,
      n: partial.n,
      context,
      parentId: partial.parentId,
      format,
      sampling: { ...options.sampling, ...partial.sampling },
      logprobs: options.logprobs,
      meter,
      prompt: base,
      seed,
      budgetShare: share,
    });
  const tokenLimited = limitsTokens(context.budget);
  let next = 0;
  while (next < partials.length && stoppedBy === "complete") {
    const remaining = partials.slice(next);
    const sizes = remaining.map((partial) => promptCharacters(stepPrompt(base, partial.steps, format)));
    let count = remaining.length;
    if (tokenLimited && meter.stepTokens === undefined) count = 1;
    const planFor = (size: number) =>
      remaining.slice(0, size).reduce(
        (plan, partial, index) => {
          const one = meter.plan([sizes[index]!], partial.n, capabilities);
          return {
            calls: plan.calls + (one.calls ?? 0),
            completions: plan.completions + (one.completions ?? 0),
            promptTokens: plan.promptTokens + (one.promptTokens ?? 0),
            completionTokens:
              plan.completionTokens + (one.completions ?? 0) * (one.completionTokensEach ?? 0),
          };
        },
        { calls: 0, completions: 0, promptTokens: 0, completionTokens: 0 },
      );
    const shortfallOf = (size: number) => {
      const plan = planFor(size);
      return budgetShortfall(context.budget, {
        calls: plan.calls,
        completions: plan.completions,
        promptTokens: plan.promptTokens,
        completionTokensEach: plan.completions > 0 ? plan.completionTokens / plan.completions : 0,
      });
    };
    let shortfall = shortfallOf(count);
    while (shortfall !== undefined && count > 1) {
      count -= 1;
      shortfall = shortfallOf(count);
    }
    if (shortfall !== undefined) {
      stoppedBy = shortfall;
      break;
    }
    // The partials started together share the tokens left, as the completions of one call would: the
    // first to start does not take what the others were sized by.
    const sized = planFor(count);
    const share = completionTokenCap(context.budget, sized.completions, sized.promptTokens);
    const seeds = remaining.slice(0, count).map(() => context.rng.nextSeed());
    const wave = await Promise.all(
      remaining.slice(0, count).map((partial, index) => extend(partial, seeds[index]!, share)),
    );
    results.push(...wave);
    next += count;
    const cut = wave.find((result) => result.stoppedBy !== "complete");
    if (cut !== undefined) stoppedBy = cut.stoppedBy;
  }
  const extensions = partials.map((_, index) => results[index]?.extensions ?? []);
  const usage = results.length === 0 ? emptyUsage : addUsage(...results.map((result) => result.usage));
  return { extensions, stoppedBy, usage };
}
