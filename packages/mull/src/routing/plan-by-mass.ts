import { massLead, type RunProgress } from "../budget/index.ts";
import { type ExtraSamplesPlan, splitSamples } from "./plan-extra-samples.ts";

/**
 * How far a probe's leading answer is from a certified lead in probability mass (`massLead` of its
 * progress, negated): 0 once certified, else at least `Number.EPSILON`, so that an uncertified probe
 * always has a claim on extra samples. The mass signal's difficulty in `allocateCompute`.
 *
 * @example
 * massGap(runProgress(candidates, context)); // 0.3: 0.3 more mass short of a certificate
 */
export function massGap(progress: RunProgress): number {
  const lead = massLead(progress);
  return lead > 0 ? 0 : Math.max(-lead, Number.EPSILON);
}

/**
 * The plan of a compute-optimal batch by probability mass: `samples` extra samples split in proportion to
 * each problem's mass gap (`massGap`), none to a certified one, at most `cap` each (`splitSamples`); the
 * gaps are the weights.
 *
 * @example
 * planByMass([0, 0.4, 0.2], 6, 10); // { extra: [0, 4, 2], weights: [0, 0.4, 0.2] }
 */
export function planByMass(gaps: readonly number[], samples: number, cap: number): ExtraSamplesPlan {
  return { weights: gaps, extra: splitSamples(gaps, samples, cap) };
}
