import { z } from "zod";
import { expecting, parseOptions } from "../runtime/index.ts";
import type { OutcomeScorer, Problem, ScoredSolution } from "../spec/index.ts";

/** Options of `programmaticScorer`. */
export interface ProgrammaticScorerOptions {
  /** Scorer name in scores and traces, e.g. `checker`. */
  readonly name: string;
  /** Judges one solution: `true`/`false` (scored 1/0) or a number, higher is better. */
  readonly check: (
    problem: Problem,
    solution: ScoredSolution,
  ) => number | boolean | Promise<number | boolean>;
}

/** A name and a check function. */
const programmaticScorerOptions = z.object({
  name: z.string({ error: expecting("a scorer name (a string)") }),
  check: z.custom<ProgrammaticScorerOptions["check"]>((value) => typeof value === "function", {
    error: expecting("a function of the problem and a solution"),
  }),
});

/**
 * An outcome scorer backed by code: a unit test, an exact checker, a lookup of the gold answer in a
 * benchmark. It makes no model calls.
 *
 * @example
 * const checker = programmaticScorer({
 *   name: "checker",
 *   check: (problem, solution) => solution.answer === String(eval(problem.question)),
 * });
 */
export function programmaticScorer(options: ProgrammaticScorerOptions): OutcomeScorer {
  parseOptions(programmaticScorerOptions, options, "programmaticScorer");
  const { name, check } = options;
  return {
    name,
    async score(problem, solutions) {
      const scores = [];
      for (const solution of solutions) {
        const verdict = await check(problem, solution);
        const value = typeof verdict === "boolean" ? (verdict ? 1 : 0) : verdict;
        if (typeof value !== "number" || Number.isNaN(value)) {
          throw new TypeError(
            `scorer "${name}": check returned ${String(verdict)}; expected a boolean or a number`,
          );
        }
        scores.push({ scorer: name, kind: "outcome" as const, value });
      }
      return { scores, calls: 0 };
    },
    callsFor: () => 0,
  };
}
