import { z } from "zod";
import { checkInteger, checkOneOf } from "../runtime/index.ts";
import { majorityVote, type TieBreak } from "../selection/index.ts";
import type { SamplingStrategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `selfConsistency`. */
export interface SelfConsistencyOptions {
  /** Samples to vote over. */
  readonly n: number;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
  /** How ties are broken; default `first` (see `majorityVote`). */
  readonly tieBreak?: TieBreak | undefined;
}

const selfConsistencyOptions = z.strictObject({
  n: checkedByFactory,
  temperature: temperatureOption,
  tieBreak: checkedByFactory,
} satisfies Record<keyof SelfConsistencyOptions, unknown>);

const tieBreaks: readonly TieBreak[] = ["first", "random"];

/**
 * Self-consistency (Wang et al. 2023): sample `n` reasoning paths and return the most frequent answer.
 * When the budget, deadline or an abort cuts it, it votes over what it has (the run is `partial`). To stop
 * early once the answer is settled, wrap it: `withEarlyStop(selfConsistency({ n: 40 }), { rounds: 10,
 * stopWhen: [consensusReached(0.9, 8)] })`.
 *
 * @throws ConfigError for an unknown option, `n` not an integer ≥ 1, a `temperature` below 0 or a
 * `tieBreak` other than `first` or `random`.
 * @example
 * const result = await solve({ problem, strategy: selfConsistency({ n: 16 }), backend });
 */
export function selfConsistency(options: SelfConsistencyOptions): SamplingStrategy {
  const owner = "selfConsistency";
  checkFactoryOptions(selfConsistencyOptions, options, owner);
  const n = checkInteger(owner, "n", options.n, { minimum: 1 });
  const tieBreak = checkOneOf(owner, "tieBreak", options.tieBreak ?? "first", tieBreaks);
  const select = majorityVote({ tieBreak });
  return {
    name: `sc@${n}`,
    parameters: { n, ...(options.temperature === undefined ? {} : { temperature: options.temperature }) },
    samples: n,
    select,
    withSamples: (samples) => selfConsistency({ ...options, n: samples }),
    run: (problem, context) =>
      sampleAndSelect(problem, context, { n, temperature: options.temperature, select }),
  };
}

/** `sc@N` (alias `maj@N`) in the strategy catalog. */
export const selfConsistencyEntry: StrategyEntry = {
  forms: ["sc@N", "maj@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "self-consistency: majority vote over N samples; ties go to the answer that appeared first",
  needs: [],
  replay: "recorded",
  create: ({ N }) => selfConsistency({ n: N! }),
};
