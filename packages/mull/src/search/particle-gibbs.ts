import { z } from "zod";
import { checkInteger } from "../runtime/index.ts";
import { type ResamplingMethod, resample } from "../selection/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkedByFactory } from "../strategies/option-schemas.ts";
import type { StrategyEntry } from "../strategies/strategy-entry.ts";
import { particleSettings, particleWeights, runParticles } from "./run-particles.ts";
import { searchEntry } from "./search-entry.ts";
import type { SearchNode } from "./search-node.ts";
import { checkSearchOptions, searchOptionFields } from "./search-option-fields.ts";
import type { SearchOptions } from "./search-options.ts";
import { createSearchRun } from "./search-run.ts";
import { searchParameters } from "./search-settings.ts";
import { searchWorstCase } from "./search-worst-case.ts";

/** Options of `particleGibbs`. */
export interface ParticleGibbsOptions extends SearchOptions {
  /** Particles per sweep (N). */
  readonly n: number;
  /** Sweeps (the first is plain particle filtering). */
  readonly iterations: number;
  /** Temperature of the softmax over the logits of the PRM values that gives the weights; default 1. */
  readonly softmaxTemperature?: number | undefined;
  /** `multinomial` (default) or `systematic` resampling. */
  readonly resampling?: ResamplingMethod | undefined;
}

const particleGibbsOptions = z.strictObject({
  n: checkedByFactory,
  iterations: checkedByFactory,
  softmaxTemperature: checkedByFactory,
  resampling: checkedByFactory,
  ...searchOptionFields,
} satisfies Record<keyof ParticleGibbsOptions, unknown>);

/** The path of a node from its first step (the root left out). */
function pathOf(node: SearchNode): SearchNode[] {
  const path: SearchNode[] = [];
  for (let current: SearchNode | undefined = node; current?.parent !== undefined; current = current.parent) {
    path.unshift(current);
  }
  return path;
}

/**
 * Particle Gibbs (Puri et al. 2025): `iterations` sweeps of particle filtering with N particles, where
 * every sweep after the first is conditional on a reference trajectory — particle 0 retraces it step by
 * step and survives every resampling, while the others are resampled from all N (so they may branch off
 * the reference). After each sweep the next reference is drawn from the final particles by their weights.
 * The answer is chosen among the final particles of every sweep (`select`, default `best`). It plans
 * N × I particles in all (`samples`), which is what a server's sample cap holds it to.
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is N × I × `maxSteps` step calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = particleGibbs({ n: 16, iterations: 3, prm }); // pg@16x3
 */
export function particleGibbs(options: ParticleGibbsOptions): Strategy {
  checkSearchOptions(particleGibbsOptions, options, "particleGibbs");
  const { n, iterations } = options;
  checkInteger("particleGibbs", "n", n, { minimum: 1 });
  checkInteger("particleGibbs", "iterations", iterations, { minimum: 1 });
  const { softmaxTemperature, resampling } = particleSettings("particleGibbs", options);
  return {
    name: `pg@${n}x${iterations}`,
    parameters: { n, iterations, softmaxTemperature, resampling, ...searchParameters(options) },
    // Every sweep draws its N particles anew: the run plans N × I solutions, not N.
    samples: n * iterations,
    ...searchWorstCase("particleGibbs", options, (maxSteps) => ({ steps: n * iterations * maxSteps })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "last", select: "best" });
      const population: SearchNode[] = [];
      let reference: SearchNode[] | undefined;
      for (let iteration = 0; iteration < iterations && !run.cut; iteration += 1) {
        const particles = await runParticles(run, {
          particles: n,
          softmaxTemperature,
          resampling,
          rng: context.rng,
          reference,
          method: `pg:${resampling}:sweep-${iteration + 1}`,
        });
        const complete = particles.filter((particle) => particle.final && particle.value !== undefined);
        population.push(...complete);
        if (complete.length === 0 || run.cut) break;
        const weights = particleWeights(complete, softmaxTemperature);
        const [pick] = resample(weights, 1, context.rng, "multinomial");
        const chosen = complete[pick ?? 0]!;
        run.recordSelection(
          "pg:reference",
          [chosen],
          [...new Set(complete)].filter((particle) => particle !== chosen),
          weights,
        );
        reference = pathOf(chosen);
      }
      return run.finish(population.length > 0 ? { population } : {});
    },
  };
}

/** `pg@NxI` in the strategy catalog. */
export const particleGibbsEntry: StrategyEntry = searchEntry(
  "pg@NxI",
  "particle Gibbs: I iterations of N particles, keeping a reference particle",
  ({ N, I }, prm) => particleGibbs({ n: N!, iterations: I!, prm }),
);
