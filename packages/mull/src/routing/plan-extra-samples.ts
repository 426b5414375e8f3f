import { checkInteger } from "../runtime/index.ts";
import type { AnswerAgreement } from "./answer-agreement.ts";

/** How `planExtraSamples` spends a batch's samples beyond the probes. */
export interface ExtraSamplesPlan {
  /** Extra samples per problem, in order. */
  readonly extra: readonly number[];
  /** Each problem's weight: the share of the extra samples it asked for. */
  readonly weights: readonly number[];
}

/**
 * A problem's claim on extra samples from its probe of `probeSamples` samples: the share of those samples
 * that do not vote for the leader, `1 − leaderVotes / probeSamples`, a sample without an answer counting as
 * not agreeing. So a unanimous probe (every sample answered, one answer) claims 0, a split problem more
 * than a nearly settled one, and a probe where few samples answered much. A probe that is likely hopeless
 * for voting, its samples all different (three or more answered, no answer twice) or none answered, claims
 * half that, so it cannot drain the batch (Snell et al. 2024 spend little on the hardest bin, whose
 * accuracy barely moves with compute): 0.5 when none answered.
 *
 * @throws ConfigError naming the field and value, when `probeSamples` is not an integer ≥ 1 or
 *   `probe.answered` is not an integer from 0 to `probeSamples`.
 * @example
 * extraSampleWeight({ agreement: 1, leaderVotes: 1, answered: 1 }, 4); // 0.75: three of four did not answer
 * extraSampleWeight({ agreement: 0.25, leaderVotes: 1, answered: 4 }, 4); // 0.375: all differ, halved
 */
export function extraSampleWeight(probe: AnswerAgreement, probeSamples: number): number {
  checkInteger("extraSampleWeight", "probeSamples", probeSamples, { minimum: 1 });
  checkInteger("extraSampleWeight", "probe.answered", probe.answered, {
    minimum: 0,
    maximum: probeSamples,
    expected: `an integer from 0 to probeSamples = ${probeSamples}`,
  });
  const disagreement = 1 - probe.leaderVotes / probeSamples;
  const hopeless = probe.answered === 0 || (probe.answered >= 3 && probe.leaderVotes <= 1);
  return hopeless ? disagreement / 2 : disagreement;
}

/**
 * Splits `samples` extra samples over problems in proportion to their weights, whole samples each, no
 * problem above `cap`: each round gives every problem under its cap its proportional share of what is
 * left (rounded down, the remainders going to the largest fractions, ties to the earlier problem), until
 * the samples or the problems that want them run out. Samples nobody wants stay unspent. Deterministic.
 *
 * @example
 * splitSamples([0, 0.5, 0.25], 6, 10); // [0, 4, 2]
 */
export function splitSamples(weights: readonly number[], samples: number, cap: number): number[] {
  const extra = weights.map(() => 0);
  let left = samples;
  while (left > 0) {
    const open = weights.flatMap((weight, index) => (weight > 0 && (extra[index] ?? 0) < cap ? [index] : []));
    const total = open.reduce((sum, index) => sum + (weights[index] ?? 0), 0);
    if (open.length === 0 || total <= 0) break;
    const shares = open.map((index) => {
      const exact = (left * (weights[index] ?? 0)) / total;
      const room = cap - (extra[index] ?? 0);
      return { index, whole: Math.min(Math.floor(exact), room), fraction: exact - Math.floor(exact), room };
    });
    let given = shares.reduce((sum, share) => sum + share.whole, 0);
    for (const share of shares) extra[share.index] = (extra[share.index] ?? 0) + share.whole;
    const byFraction = shares
      .filter((share) => share.whole < share.room)
      .sort((first, second) => second.fraction - first.fraction || first.index - second.index);
    for (const share of byFraction) {
      if (given >= left) break;
      extra[share.index] = (extra[share.index] ?? 0) + 1;
      given += 1;
    }
    if (given === 0) break;
    left -= given;
  }
  return extra;
}

/**
 * The plan of a compute-optimal batch after its probes: each problem's weight from its probe
 * (`extraSampleWeight`) and the extra samples `splitSamples` gives it out of `samples`, at most `cap` each.
 *
 * @throws ConfigError (from `extraSampleWeight`) when `probeSamples` is not an integer ≥ 1 or a probe has
 *   more answered samples than `probeSamples`.
 */
export function planExtraSamples(
  probes: readonly AnswerAgreement[],
  probeSamples: number,
  samples: number,
  cap: number,
): ExtraSamplesPlan {
  const weights = probes.map((probe) => extraSampleWeight(probe, probeSamples));
  return { extra: splitSamples(weights, samples, cap), weights };
}
