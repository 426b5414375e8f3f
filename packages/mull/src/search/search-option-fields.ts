import type { z } from "zod";
import { stepAggregations } from "../process-rewards/index.ts";
import { checkInteger, checkOneOf } from "../runtime/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import {
  checkedByFactory,
  processRewardOption,
  stepFormatOption,
  temperatureOption,
} from "../strategies/option-schemas.ts";
import type { FinalSelection, SearchOptions } from "./search-options.ts";

/** The schemas of the options every search takes (`SearchOptions`), for each search's strict schema. */
export const searchOptionFields = {
  prm: processRewardOption,
  aggregation: checkedByFactory,
  finalAggregation: checkedByFactory,
  select: checkedByFactory,
  temperature: temperatureOption,
  format: stepFormatOption.optional(),
  maxSteps: checkedByFactory,
  maxStepTokens: checkedByFactory,
  maxSolutionTokens: checkedByFactory,
} satisfies Record<keyof SearchOptions, unknown>;

const finalSelections: readonly FinalSelection[] = ["best", "weighted-vote", "majority"];

/**
 * Checks a search's options when it is built, in `owner`'s name: the keys against its strict `schema`
 * (`searchOptionFields` and its own), then the shared options that were given: the aggregations and
 * the final selection against their names, the step and token limits as integers ≥ 1. The search's own
 * counts are its to check.
 *
 * @throws ConfigError for an unknown option (`particleFilter: particels: unknown key (particleFilter takes
 * prm, …)`), a missing or malformed `prm`, an unknown aggregation or selection, or a limit below 1.
 * @example
 * checkSearchOptions(particleFilterOptions, options, "particleFilter");
 */
export function checkSearchOptions(schema: z.ZodType, options: SearchOptions, owner: string): void {
  checkFactoryOptions(schema, options, owner);
  if (options.aggregation !== undefined) {
    checkOneOf(owner, "aggregation", options.aggregation, stepAggregations);
  }
  if (options.finalAggregation !== undefined) {
    checkOneOf(owner, "finalAggregation", options.finalAggregation, stepAggregations);
  }
  if (options.select !== undefined) checkOneOf(owner, "select", options.select, finalSelections);
  for (const field of ["maxSteps", "maxStepTokens", "maxSolutionTokens"] as const) {
    if (options[field] !== undefined) checkInteger(owner, field, options[field], { minimum: 1 });
  }
}
