import { z } from "zod";
import { expecting, objectWithMethods } from "../runtime/index.ts";
import type { Budget, Clock, Problem, StrategyContext, Tracer } from "../spec/index.ts";

// The schemas of the arguments a run, or a block working on a run's behalf, is called with (`runStrategy`,
// `createSearchRun`, `sampleCandidates`), so that a call from plain JavaScript without them names what is
// missing rather than failing on the first property it reads.

/** A problem: an object with a question. */
export const problemArgument = z.custom<Problem>(
  (value) =>
    typeof value === "object" && value !== null && typeof (value as Partial<Problem>).question === "string",
  { error: expecting("a problem (an object with a question string)") },
);

/**
 * A strategy context, checked for the parts a run reads before the strategy does: the budget it opens a
 * child of, the clock and the tracer. The strategy reads the rest.
 */
export const strategyContextArgument = z.object(
  {
    budget: objectWithMethods<Budget>({
      expected: "a budget",
      noun: "budget",
      methods: ["spent", "exhausted", "affords", "charge"],
    }),
    clock: objectWithMethods<Clock>({ expected: "a clock", noun: "clock", methods: ["now"] }),
    tracer: objectWithMethods<Tracer>({ expected: "a tracer", noun: "tracer", methods: ["record"] }),
  } satisfies Partial<Record<keyof StrategyContext, unknown>>,
  { error: expecting("a strategy context (an object with backend, budget, rng, clock, tracer, …)") },
);
