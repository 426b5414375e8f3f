import { confidenceFilteredVote, majorityVote } from "../selection/index.ts";
import type { Candidate, StrategyContext, VoteResult } from "../spec/index.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";

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
    message: majorityFallbackMessage(name, "no trace could vote by confidence"),
  });
  const uncut = all.filter((candidate) => candidate.finishReason !== "cut");
  return majorityVote()(uncut.length > 0 ? uncut : all, context);
}
