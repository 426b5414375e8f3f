import { confidenceFilteredVote, majorityVote } from "../selection/index.ts";
import type { AnswerFormat, Candidate, StrategyContext, VoteResult } from "../spec/index.ts";

/**
 * The leading answer's share of a weighted vote among `voters` (each weighs `weightOf`; those without an
 * answer are skipped); `undefined` when no weight was cast.
 */
export function consensusShare(
  voters: readonly Candidate[],
  weightOf: (candidate: Candidate) => number,
  answerFormat: AnswerFormat,
): number | undefined {
  const totals = new Map<string, number>();
  for (const voter of voters) {
    if (voter.answer === undefined) continue;
    const key = answerFormat.key(voter.answer);
    totals.set(key, (totals.get(key) ?? 0) + weightOf(voter));
  }
  const all = [...totals.values()].reduce((sum, value) => sum + value, 0);
  if (!(all > 0)) return undefined;
  return Math.max(...totals.values()) / all;
}

/**
 * Online DeepConf's final vote: the confidence-weighted vote of `voters` (offline DeepConf's vote keeping
 * every one of them: the threshold has already filtered); when there are none, a majority vote over the
 * traces that were not cut (or over all, if every one was), with a note saying so.
 */
export function onlineVote(
  name: string,
  scorer: string,
  voters: readonly Candidate[],
  all: readonly Candidate[],
  context: StrategyContext,
): VoteResult {
  if (voters.length > 0) return confidenceFilteredVote({ scorer, keepPercent: 100 })(voters, context);
  context.tracer.record({
    type: "note",
    parentId: context.parentId,
    message: `${name}: no trace could vote by confidence; falling back to a majority vote`,
  });
  const uncut = all.filter((candidate) => candidate.finishReason !== "cut");
  return majorityVote()(uncut.length > 0 ? uncut : all, context);
}
