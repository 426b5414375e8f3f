import { checkOneOf, checkPositive } from "../runtime/index.ts";
import { type ResamplingMethod, resample } from "../selection/index.ts";
import { softmaxWeights } from "../selection/softmax-weights.ts";
import type { Rng } from "../spec/index.ts";
import type { SearchNode } from "./search-node.ts";
import type { SearchRun } from "./search-run.ts";

/** Settings of one particle-filtering sweep. */
export interface ParticleSweep {
  readonly particles: number;
  /** Temperature of the softmax that turns rewards into weights. */
  readonly softmaxTemperature: number;
  readonly resampling: ResamplingMethod;
  readonly rng: Rng;
  /**
   * The reference trajectory of conditional SMC (particle Gibbs): its nodes from the first step on. Particle
   * 0 follows it instead of sampling, and is never resampled away.
   */
  readonly reference?: readonly SearchNode[] | undefined;
  /** Name of the resampling selection in the trace. */
  readonly method: string;
}

/** The options particle filtering and particle Gibbs share. */
export interface ParticleOptions {
  readonly softmaxTemperature?: number | undefined;
  readonly resampling?: ResamplingMethod | undefined;
}

/**
 * The softmax temperature (default 1) and resampling method (default `multinomial`) of a particle
 * search, checked for `owner`.
 */
export function particleSettings(
  owner: string,
  options: ParticleOptions,
): { readonly softmaxTemperature: number; readonly resampling: ResamplingMethod } {
  return {
    softmaxTemperature: checkPositive(owner, "softmaxTemperature", options.softmaxTemperature ?? 1),
    resampling: checkOneOf(owner, "resampling", options.resampling ?? "multinomial", [
      "multinomial",
      "systematic",
    ]),
  };
}

/** Rewards are clipped this far from 0 and 1 before their logit is taken. */
const clip = 1e-7;

/**
 * The particles' weights (Puri et al. 2025): a softmax, at `temperature`, of the logits log(r / (1 − r)) of
 * their PRM values r (clipped to [1e-7, 1 − 1e-7]; unscored particles count as r = 0.5). So a weight is
 * proportional to the odds (r / (1 − r))^(1/temperature): a particle a perfect checker rejects is all but
 * never drawn, and equal rewards give equal weights.
 */
export function particleWeights(particles: readonly SearchNode[], temperature: number): number[] {
  return softmaxWeights(
    particles.map((particle) => {
      const reward = Math.min(1 - clip, Math.max(clip, particle.value ?? 0.5));
      return Math.log(reward / (1 - reward));
    }),
    temperature,
  );
}

/**
 * One sweep of particle filtering (Puri et al. 2025): every live particle is extended by one step, all
 * particles are weighted by a softmax of the logits of their PRM values, and the population is resampled from the
 * weights (finished particles take part with their final value and are carried over as they are), until
 * every particle is complete or the budget ends. With a reference trajectory it is the conditional sweep
 * of particle Gibbs. Returns the final population (with repetitions).
 */
export async function runParticles(run: SearchRun, sweep: ParticleSweep): Promise<SearchNode[]> {
  const { particles: count, reference } = sweep;
  let particles: SearchNode[] = Array.from({ length: count }, () => run.root);
  let depth = 0;
  const referenceAt = (position: number): SearchNode | undefined =>
    reference === undefined || reference.length === 0
      ? undefined
      : reference[Math.min(position, reference.length - 1)];
  while (!run.cut) {
    const live = particles.flatMap((particle, index) =>
      particle.final || (reference !== undefined && index === 0) ? [] : [index],
    );
    const referenceNext = referenceAt(depth);
    if (live.length === 0 && (referenceNext === undefined || particles[0] === referenceNext)) break;
    const children = await run.expand(live.map((index) => ({ node: particles[index]!, n: 1 })));
    particles = particles.slice();
    live.forEach((index, position) => {
      const child = children[position]?.[0];
      if (child !== undefined) particles[index] = child;
    });
    if (referenceNext !== undefined) particles[0] = referenceNext;
    depth += 1;
    if (run.cut) break;
    if (!(await run.score(particles))) break;
    if (particles.every((particle) => particle.final)) break;
    const weights = particleWeights(particles, sweep.softmaxTemperature);
    const fixed = reference === undefined ? 0 : 1;
    const drawn = resample(weights, count - fixed, sweep.rng, sweep.resampling);
    const next = [...particles.slice(0, fixed), ...drawn.map((index) => particles[index]!)];
    const kept = new Set(next);
    run.recordSelection(
      sweep.method,
      next,
      [...new Set(particles)].filter((particle) => !kept.has(particle)),
      weights,
    );
    particles = next;
  }
  return particles;
}
