import { z } from "zod";
import { objectWithMethods, parseOptions } from "../runtime/index.ts";
import type { OutcomeScorer, ProcessRewardModel } from "../spec/index.ts";
import { defaultStepFormat, type StepFormat, splitSteps } from "../steps/index.ts";
import { aggregateStepRewards, type StepAggregation } from "./aggregate-step-rewards.ts";

/** Options of `processRewardScorer`. */
export interface ProcessRewardScorerOptions {
  /** The process reward model that scores each step of a solution. */
  readonly prm: ProcessRewardModel;
  /** How the step rewards become the solution's score; default `min`. */
  readonly aggregation?: StepAggregation | undefined;
  /** How solution texts are cut into steps; default one per line. */
  readonly format?: StepFormat | undefined;
}

/** The options the scorer cannot do without; the rest are checked where they are read. */
const processRewardScorerOptions = z.object({
  prm: objectWithMethods<ProcessRewardModel>({
    expected: "a process reward model",
    noun: "process reward model",
    methods: ["score"],
  }),
});

/**
 * A process reward model used as an outcome scorer of whole solutions: each text is cut into steps, the
 * PRM scores them, and the rewards are aggregated (`min` by default; a text without steps scores 0). Lets best-of-N and weighted voting
 * rank complete samples by a PRM (its score carries the per-step rewards).
 *
 * @example
 * const scorer = processRewardScorer({ prm: noisyProcessReward({ base: labProcessReward(), falsePositiveRate: 0.1, falseNegativeRate: 0.1 }) });
 * const strategy = bestOfN({ n: 16, scorer });
 */
export function processRewardScorer(options: ProcessRewardScorerOptions): OutcomeScorer {
  parseOptions(processRewardScorerOptions, options, "processRewardScorer");
  const { prm } = options;
  const aggregation = options.aggregation ?? "min";
  const format = options.format ?? defaultStepFormat;
  const name = `${prm.name}:${aggregation}`;
  return {
    name,
    async score(problem, solutions, callOptions) {
      const steps = solutions.map((solution) => splitSteps(solution.text, format));
      const scored = await prm.score(problem, steps, callOptions);
      const scores = scored.results.map((result) => ({
        scorer: name,
        kind: "process" as const,
        // A solution without a single step has nothing to its credit.
        value: result.rewards.length === 0 ? 0 : aggregateStepRewards(result.rewards, aggregation),
        steps: result.rewards,
      }));
      return { scores, calls: scored.calls, usage: scored.usage };
    },
  };
}
