import { checkNumber } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/** The probability mass of each answer over the distinct traces drawn so far, and the mass they cover. */
export interface AnswerMass {
  /** Summed probability exp(Σ log p) of each answer key's distinct traces, largest first. */
  readonly ranked: readonly (readonly [key: string, mass: number])[];
  /** Summed probability of every distinct trace with an answer and a log-probability. */
  readonly covered: number;
}

/**
 * Each answer's share of the model's probability mass that the traces drawn so far account for: a trace's
 * probability is exp of its summed log-probability, a text drawn twice is one trace and counts once, and
 * traces without an answer or a log-probability add nothing.
 *
 * @example
 * answerMass(progress); // { ranked: [["7", 0.62], ["8", 0.1]], covered: 0.72 }
 */
export function answerMass(progress: RunProgress): AnswerMass {
  const seen = new Set<string>();
  const masses = new Map<string, number>();
  let covered = 0;
  progress.candidates.forEach((candidate, index) => {
    const key = progress.keys[index];
    const { logprob } = candidate;
    if (key === undefined || logprob === undefined || Number.isNaN(logprob) || seen.has(candidate.text))
      return;
    seen.add(candidate.text);
    const mass = Math.exp(logprob);
    masses.set(key, (masses.get(key) ?? 0) + mass);
    covered += mass;
  });
  return { ranked: [...masses].sort((a, b) => b[1] - a[1]), covered };
}

/**
 * How far the leading answer's mass is ahead of the most any rival could hold: the leader's mass less the
 * runner-up's and `unexploredWeight` times the mass no drawn trace covers. Positive once the lead is
 * certified (see `leaderMassCertified`); never positive while no trace with an answer has a log-probability.
 *
 * @example
 * massLead(progress); // 0.1: certified; -0.3: 0.3 more mass short of a certificate
 */
export function massLead(progress: RunProgress, unexploredWeight = 1): number {
  const { ranked, covered } = answerMass(progress);
  const leader = ranked[0]?.[1] ?? 0;
  const runnerUp = ranked[1]?.[1] ?? 0;
  return leader - runnerUp - unexploredWeight * Math.max(0, 1 - covered);
}

/**
 * Stops once the leading answer's probability mass is certain to be the largest: the traces drawn so far
 * give each answer at least the summed probability of its distinct traces, and at most that plus whatever
 * mass no drawn trace covers, so the leader is the model's most probable answer — the one self-consistency
 * converges to as the samples grow — as soon as its mass exceeds the runner-up's plus the uncovered mass
 * (1 − covered). `unexploredWeight` scales the uncovered mass: 1 (the default) is that certificate; below 1
 * assumes a rival gets only that share of it, which stops sooner on a guess, and 0 stops as soon as one
 * answer leads by mass. Exact where the traces' log-probabilities are those of the distribution sampled
 * (temperature 1, no truncation); other samplers still draw traces whose raw probabilities it reads. A
 * trace's probability is that of its generated tokens and of the end token that ended it, where the backend
 * reports that (`Completion.endLogprob`: the embedded backend, and llama.cpp's server over HTTP); where
 * it does not, the masses are too high by that token's probability and the certificate that much optimistic.
 *
 * @example
 * withEarlyStop(probabilityVoting, { roundSize: 1, stopWhen: [leaderMassCertified()] });
 */
export function leaderMassCertified(unexploredWeight = 1): StopCondition<RunProgress> {
  checkNumber("leaderMassCertified", "unexploredWeight", unexploredWeight, { minimum: 0, maximum: 1 });
  return {
    name: "mass-certified",
    shouldStop: (progress) => massLead(progress, unexploredWeight) > 0,
  };
}
