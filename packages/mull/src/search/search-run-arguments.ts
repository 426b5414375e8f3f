import { z } from "zod";
import { expecting, parseOptions } from "../runtime/index.ts";
import { processRewardOption } from "../strategies/option-schemas.ts";
import { problemArgument, strategyContextArgument } from "../strategies/run-arguments.ts";

/** The arguments of `createSearchRun`; a search's own factory has checked the rest of its options. */
const searchRunArguments = z.object({
  problem: problemArgument,
  context: strategyContextArgument,
  options: z.object({ prm: processRewardOption }, { error: expecting("search options { prm, … }") }),
  defaults: z.object(
    { aggregation: z.string(), select: z.string() },
    { error: expecting("the search's defaults { aggregation, select }") },
  ),
});

/**
 * Checks the arguments of `createSearchRun` before it reads them, so that a call from plain JavaScript
 * without one names it and what it must be.
 *
 * @throws ConfigError `createSearchRun: options.prm: missing; expected a process reward model (an object
 * with a score method)`, and likewise for the problem, the context and the defaults.
 */
export function checkSearchRunArguments(
  problem: unknown,
  context: unknown,
  options: unknown,
  defaults: unknown,
): void {
  parseOptions(searchRunArguments, { problem, context, options, defaults }, "createSearchRun");
}
