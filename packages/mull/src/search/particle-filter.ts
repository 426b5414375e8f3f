import { ConfigError } from "../errors/index.ts";
import type { ResamplingMethod } from "../selection/resample.ts";
import type { Strategy } from "../spec/index.ts";
import { runParticles } from "./run-particles.ts";
import type { SearchOptions } from "./search-options.ts";
import { checkCount, createSearchRun, searchParameters } from "./search-run.ts";

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

/** Checks a softmax temperature. */
export function checkSoftmaxTemperature(strategy: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ConfigError(`${strategy}: softmaxTemperature must be a positive number, got ${value}`, {
      field: "softmaxTemperature",
    });
  }
}

/**
 * Particle filtering for inference-time scaling (Puri et al. 2025): N particles start empty; at each step
 * every unfinished particle is extended by one step, each particle is weighted by a softmax, at
 * `softmaxTemperature`, of the logit of its PRM value (`last` step reward by default) — weights
 * proportional to the odds r / (1 − r) at temperature 1 — and N particles are drawn from the weights (`multinomial` or `systematic` resampling), finished particles carried over as they are, until
 * every particle has finished or the budget runs out. Sampling the typical set rather than chasing the
 * PRM's mode keeps it robust to reward errors. The answer is the best final particle (`select`: `best` by
 * default, or a `weighted-vote` over the final particles). Each resampling is a `selection` event with
 * the weights; the genealogy of the particles is the tree of `generation` events.
 *
 * @example
 * const strategy = particleFilter({ n: 16, prm: labProcessReward() }); // pf@16
 */
export function particleFilter(options: ParticleFilterOptions): Strategy {
  const { n } = options;
  checkCount("particleFilter", "n", n);
  const softmaxTemperature = options.softmaxTemperature ?? 1;
  checkSoftmaxTemperature("particleFilter", softmaxTemperature);
  const resampling = options.resampling ?? "multinomial";
  if (resampling !== "multinomial" && resampling !== "systematic") {
    throw new ConfigError(`particleFilter: resampling must be multinomial or systematic, got ${resampling}`, {
      field: "resampling",
    });
  }
  return {
    name: resampling === "systematic" ? `pf-sys@${n}` : `pf@${n}`,
    parameters: { n, softmaxTemperature, resampling, ...searchParameters(options) },
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
