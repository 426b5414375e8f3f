import { type AnswerAgreement, voteAgreement } from "../../routing/index.ts";
import type { GradedSample } from "./grade-replay.ts";

/**
 * How much recorded samples agree on their answer, as `answerAgreement` reads a live pool: the leader's
 * share of the samples that have an answer key (0 when none has one), its votes and how many answered.
 *
 * @example
 * sampleAgreement(samples); // { agreement: 0.75, leaderVotes: 3, answered: 4 }
 */
export function sampleAgreement(samples: readonly GradedSample[]): AnswerAgreement {
  const votes = new Map<string, number>();
  for (const sample of samples) {
    if (sample.key !== undefined) votes.set(sample.key, (votes.get(sample.key) ?? 0) + 1);
  }
  return voteAgreement([...votes.values()]);
}
