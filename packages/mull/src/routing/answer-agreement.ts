import { tallyAnswers } from "../selection/index.ts";
import type { AnswerFormat, Candidate } from "../spec/index.ts";

/** How much a pool of samples agrees on its answer. */
export interface AnswerAgreement {
  /** The leader's share of the answered samples, 0 to 1; 0 when no sample has an answer. */
  readonly agreement: number;
  /** Votes of the most frequent answer. */
  readonly leaderVotes: number;
  /** Samples with an answer (the ones that vote). */
  readonly answered: number;
}

/**
 * The agreement of a pool of samples: the share of the most frequent answer among the samples that have
 * one (answers compared by `answerFormat`'s key). Routers read it as the small model's confidence: a
 * unanimous pool is likely right, a split one is a problem for a larger model or more samples.
 *
 * @example
 * answerAgreement(candidates, context.answerFormat); // { agreement: 0.75, leaderVotes: 6, answered: 8 }
 */
export function answerAgreement(
  candidates: readonly Candidate[],
  answerFormat: AnswerFormat,
): AnswerAgreement {
  return voteAgreement(Object.values(tallyAnswers(candidates, answerFormat)));
}

/**
 * The agreement of answer vote counts (one count per distinct answer): the leader's share of all votes, 0
 * when there are none. `answerAgreement` reads it from candidates; a replay from recorded answer keys.
 *
 * @example
 * voteAgreement([6, 1, 1]); // { agreement: 0.75, leaderVotes: 6, answered: 8 }
 */
export function voteAgreement(votes: readonly number[]): AnswerAgreement {
  const answered = votes.reduce((sum, count) => sum + count, 0);
  const leaderVotes = votes.reduce((largest, count) => Math.max(largest, count), 0);
  return { agreement: answered === 0 ? 0 : leaderVotes / answered, leaderVotes, answered };
}
