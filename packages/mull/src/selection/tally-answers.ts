import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { answerGroups } from "./answer-groups.ts";

/**
 * Votes per answer key, without recording anything: what stop conditions such as `consensusReached`
 * look at between batches. Candidates without an answer do not vote.
 *
 * @example
 * const votes = tallyAnswers(candidates, context.answerFormat); // { "42": 5, "41": 2 }
 */
export function tallyAnswers(
  candidates: readonly Candidate[],
  answerFormat: AnswerFormat,
): Record<string, number> {
  return Object.fromEntries(
    answerGroups(candidates, answerFormat).map((group) => [group.key, group.members.length]),
  );
}
