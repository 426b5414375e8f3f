import { z } from "zod";
import { sampleCandidates } from "../generation/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { temperatureOption } from "./option-schemas.ts";
import { requireSomething } from "./run-helpers.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `singleSample`. */
export interface SingleSampleOptions {
  /** Sampling temperature; 0 is greedy decoding. Default: the run's sampling settings. */
  readonly temperature?: number | undefined;
}

const singleSampleOptions = z.strictObject({
  temperature: temperatureOption,
} satisfies Record<keyof SingleSampleOptions, unknown>);

/**
 * The baseline: one completion, its answer. Named `greedy` at temperature 0, else `single`.
 *
 * @throws ConfigError for an unknown option or a `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: singleSample({ temperature: 0 }), backend });
 */
export function singleSample(options: SingleSampleOptions = {}): Strategy {
  checkFactoryOptions(singleSampleOptions, options, "singleSample");
  const { temperature } = options;
  return {
    name: temperature === 0 ? "greedy" : "single",
    parameters: temperature === undefined ? {} : { temperature },
    samples: 1,
    async run(problem, context) {
      const sample = await sampleCandidates({
        problem,
        n: 1,
        context,
        sampling: temperature === undefined ? undefined : { temperature },
      });
      requireSomething(sample.candidates.length, sample.stoppedBy);
      const best = sample.candidates[0];
      return { answer: best?.answer, best, candidates: sample.candidates, stoppedBy: sample.stoppedBy };
    },
  };
}

/** `greedy` in the strategy catalog. */
export const greedyEntry: StrategyEntry = {
  forms: ["greedy"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary: "one sample at temperature 0",
  needs: [],
  replay: {
    liveOnly:
      "greedy decodes at temperature 0, which sampled recordings are not; mass@<k>g reads a recorded greedy trace (--greedy-samples)",
  },
  create: () => singleSample({ temperature: 0 }),
};

/** `single` in the strategy catalog. */
export const singleEntry: StrategyEntry = {
  forms: ["single"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary: "one sample at the run's temperature",
  needs: [],
  replay: {
    liveOnly: "single is one live completion; mean@1 is a single recorded sample's accuracy",
  },
  create: () => singleSample(),
};
