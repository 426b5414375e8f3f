import { addUsage, checkStopConditions, emptyUsage, type RunProgress } from "../budget/index.ts";
import { ConfigError } from "../errors/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import { majorityVote, type TieBreak, tallyAnswers } from "../selection/index.ts";
import type { Candidate, StopCondition, StopReason, Strategy, Usage } from "../spec/index.ts";
import {
  checkSampleCount,
  defaultSamplingTemperature,
  firstStop,
  isCut,
  requireSomething,
} from "./run-helpers.ts";

/** Options of `selfConsistency`. */
export interface SelfConsistencyOptions {
  /** Samples to vote over. */
  readonly n: number;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
  /** Sample in batches of this size and check `stopWhen` after each; default `n` (one batch). */
  readonly batchSize?: number | undefined;
  /** Stop conditions checked after each batch, e.g. `consensusReached(0.8, 5)`. */
  readonly stopWhen?: readonly StopCondition<RunProgress>[] | undefined;
  /** How ties are broken; default `first` (see `majorityVote`). */
  readonly tieBreak?: TieBreak | undefined;
}

/**
 * Self-consistency (Wang et al. 2023): sample `n` reasoning paths and return the most frequent answer.
 * With `batchSize` and `stopWhen` it samples in batches and may stop early (`stoppedBy:
 * "condition:<name>"`). When the budget, deadline or an abort cuts it, it votes over what it has and
 * says so (`partial: true`).
 *
 * @example
 * const result = await solve({ problem, strategy: selfConsistency({ n: 16 }), backend });
 */
export function selfConsistency(options: SelfConsistencyOptions): Strategy {
  const { n } = options;
  checkSampleCount("selfConsistency", n);
  const batchSize = options.batchSize ?? n;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConfigError(`selfConsistency: batchSize must be an integer ≥ 1, got ${batchSize}`, {
      field: "batchSize",
    });
  }
  const stopWhen = options.stopWhen ?? [];
  const vote = majorityVote({ tieBreak: options.tieBreak });
  return {
    name: `sc@${n}`,
    parameters: {
      n,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.batchSize === undefined ? {} : { batchSize }),
      ...(stopWhen.length === 0 ? {} : { stopWhen: stopWhen.map((condition) => condition.name) }),
    },
    async run(problem, context) {
      const temperature = options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature;
      const candidates: Candidate[] = [];
      let usage: Usage = emptyUsage;
      let stoppedBy: StopReason = "complete";
      while (candidates.length < n) {
        const sample = await sampleCandidates({
          problem,
          n: Math.min(batchSize, n - candidates.length),
          context,
          sampling: { temperature },
        });
        candidates.push(...sample.candidates);
        usage = addUsage(usage, sample.usage);
        stoppedBy = firstStop(sample.stoppedBy);
        if (stoppedBy !== "complete" || candidates.length >= n) break;
        const progress: RunProgress = {
          spent: context.budget.spent(),
          candidates,
          votes: tallyAnswers(candidates, context.answerFormat),
        };
        stoppedBy = checkStopConditions(stopWhen, progress) ?? "complete";
        if (stoppedBy !== "complete") break;
      }
      requireSomething(candidates.length, stoppedBy);
      const result = vote(candidates, context);
      return {
        answer: result.answer,
        best: result.best,
        candidates,
        votes: result.tally,
        stoppedBy,
        partial: isCut(stoppedBy),
        usage,
        scoreCalls: 0,
      };
    },
  };
}
