import type { StepAggregation } from "../process-rewards/index.ts";
import { checkInteger } from "../runtime/index.ts";
import type { StrategyContext } from "../spec/index.ts";
import { defaultStepFormat, type StepFormat } from "../steps/index.ts";
import { defaultSamplingTemperature } from "../strategies/run-helpers.ts";
import type { FinalSelection, SearchOptions } from "./search-options.ts";

/** The resolved settings of one search run: its options with every default applied. */
export interface SearchSettings {
  /** How a partial solution's step rewards become its value, which the search ranks by. */
  readonly aggregation: StepAggregation;
  /** How a complete solution's step rewards are combined for the final pick; default `mean`. */
  readonly finalAggregation: StepAggregation;
  /** How the answer is picked among complete solutions: `best`, `weighted-vote` or `majority`. */
  readonly select: FinalSelection;
  /** Sampling temperature of the steps (≥ 0); the option's, else the run's, else 0.7. */
  readonly temperature: number;
  /** How steps are delimited and written into the prompt; default one per line, `####` final. */
  readonly format: StepFormat;
  /**
   * Longest solution, in steps (an integer ≥ 1): a partial that reaches it counts as complete. Default 40.
   */
  readonly maxSteps: number;
  /** Most tokens of one step, an integer ≥ 1; default 256. */
  readonly maxStepTokens: number;
  /** Most generated tokens of one whole solution (an integer ≥ 1); `undefined` for no limit. */
  readonly maxSolutionTokens: number | undefined;
}

/** A search's longest solution, in steps, when its options give no `maxSteps`. */
export const defaultMaxSteps = 40;

/** The defaults a search strategy chooses for itself. */
export interface SearchDefaults {
  /** How the strategy values a partial solution when `aggregation` is not given. */
  readonly aggregation: StepAggregation;
  /** How the strategy picks its answer when `select` is not given. */
  readonly select: FinalSelection;
}

/**
 * A search's settings: its options, else the strategy's defaults, else the run's sampling settings, else
 * the kit's defaults (40 steps of at most 256 tokens, mean final aggregation).
 *
 * @throws ConfigError when `maxSteps`, `maxStepTokens` or `maxSolutionTokens` is not an integer ≥ 1.
 */
export function resolveSearchSettings(
  options: SearchOptions,
  context: StrategyContext,
  defaults: SearchDefaults,
): SearchSettings {
  const settings: SearchSettings = {
    aggregation: options.aggregation ?? defaults.aggregation,
    finalAggregation: options.finalAggregation ?? "mean",
    select: options.select ?? defaults.select,
    temperature: options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature,
    format: options.format ?? defaultStepFormat,
    maxSteps: options.maxSteps ?? defaultMaxSteps,
    maxStepTokens: options.maxStepTokens ?? 256,
    maxSolutionTokens: options.maxSolutionTokens ?? context.sampling.maxTokens,
  };
  checkInteger("search", "maxSteps", settings.maxSteps, { minimum: 1 });
  checkInteger("search", "maxStepTokens", settings.maxStepTokens, { minimum: 1 });
  if (settings.maxSolutionTokens !== undefined) {
    checkInteger("search", "maxSolutionTokens", settings.maxSolutionTokens, { minimum: 1 });
  }
  return settings;
}

/** The parameters a search reports in its trace, besides its own. */
export function searchParameters(options: SearchOptions): Record<string, unknown> {
  return {
    prm: options.prm.name,
    ...(options.aggregation === undefined ? {} : { aggregation: options.aggregation }),
    ...(options.finalAggregation === undefined ? {} : { finalAggregation: options.finalAggregation }),
    ...(options.select === undefined ? {} : { select: options.select }),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
  };
}
