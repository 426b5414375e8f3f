import { z } from "zod";
import { checkInteger } from "../runtime/index.ts";
import type { ResamplingMethod } from "../selection/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkedByFactory } from "../strategies/option-schemas.ts";
import type { StrategyEntry } from "../strategies/strategy-entry.ts";
import { particleSettings, runParticles } from "./run-particles.ts";
import { searchEntry } from "./search-entry.ts";
import { checkSearchOptions, searchOptionFields } from "./search-option-fields.ts";
import type { SearchOptions } from "./search-options.ts";
import { createSearchRun } from "./search-run.ts";
import { searchParameters } from "./search-settings.ts";
import { searchWorstCase } from "./search-worst-case.ts";

/** Options of `particleFilter`. */
export interface ParticleFilterOptions extends SearchOptions {
  /** Particles (N). */
  readonly n: number;
  /**
   * Temperature of the softmax over the logits of the PRM values that gives the weights; default 1 (weights
   * proportional to the odds r / (1 − r)). Lower is greedier, higher is closer to independent sampling.
   */
  readonly softmaxTemperature?: number | undefined;
  /** `multinomial` (default) or `systematic` resampling. */
  readonly resampling?: ResamplingMethod | undefined;
}

const particleFilterOptions = z.strictObject({
  n: checkedByFactory,
  softmaxTemperature: checkedByFactory,
  resampling: checkedByFactory,
  ...searchOptionFields,
} satisfies Record<keyof ParticleFilterOptions, unknown>);

/**
 * Particle filtering for inference-time scaling (Puri et al. 2025): N particles start empty; at each step
 * every unfinished particle is extended by one step, each particle is weighted by a softmax, at
 * `softmaxTemperature`, of the logit of its PRM value (`last` step reward by default) — weights
 * proportional to the odds r / (1 − r) at temperature 1 — and N particles are drawn from the weights (`multinomial` or `systematic` resampling), finished particles carried over as they are, until
 * every particle has finished or the budget runs out. Sampling the typical set rather than chasing the
 * PRM's mode keeps it robust to reward errors. The answer is the best final particle (`select`: `best` by
 * default, or a `weighted-vote` over the final particles). Each resampling is a `selection` event with
 * the weights; the genealogy of the particles is the tree of `generation` events.
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is N × `maxSteps` step calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = particleFilter({ n: 16, prm: labProcessReward() }); // pf@16
 */
export function particleFilter(options: ParticleFilterOptions): Strategy {
  checkSearchOptions(particleFilterOptions, options, "particleFilter");
  const { n } = options;
  checkInteger("particleFilter", "n", n, { minimum: 1 });
  const { softmaxTemperature, resampling } = particleSettings("particleFilter", options);
  return {
    name: resampling === "systematic" ? `pf-sys@${n}` : `pf@${n}`,
    parameters: { n, softmaxTemperature, resampling, ...searchParameters(options) },
    samples: n,
    // Every particle writes a step at each depth, to the last.
    ...searchWorstCase("particleFilter", options, (maxSteps) => ({ steps: n * maxSteps })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "last", select: "best" });
      const population = await runParticles(run, {
        particles: n,
        softmaxTemperature,
        resampling,
        rng: context.rng,
        method: `pf:${resampling}`,
      });
      return run.finish({ population });
    },
  };
}

/** `pf@N` in the strategy catalog. */
export const particleFilterEntry: StrategyEntry = searchEntry(
  "pf@N",
  "particle filtering: N particles weighted by a softmax of their rewards, resampled multinomially",
  ({ N }, prm) => particleFilter({ n: N!, prm }),
);

/** `pf-sys@N` in the strategy catalog. */
export const systematicParticleFilterEntry: StrategyEntry = searchEntry(
  "pf-sys@N",
  "particle filtering with systematic resampling",
  ({ N }, prm) => particleFilter({ n: N!, prm, resampling: "systematic" }),
);
