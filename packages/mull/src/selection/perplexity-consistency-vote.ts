import type { Candidate } from "../spec/index.ts";
import type { TieBreak } from "./answer-groups.ts";
import type { CandidateWeight } from "./candidate-weight.ts";
import { probabilityWeight } from "./probability-weight.ts";
import { pruneReasoningPaths } from "./prune-reasoning-paths.ts";
import type { Selector } from "./selector.ts";
import { weightedVote } from "./weighted-vote.ts";

/** Options of `perplexityConsistencyVote`. */
export interface PerplexityConsistencyVoteOptions {
  /** Drop low-probability paths before voting (Reasoning Pruning, see `pruneReasoningPaths`); default true. */
  readonly prune?: boolean | undefined;
  /**
   * A path's probability: `mean` (default) is exp(mean log p), the inverse perplexity, as RPC's code
   * computes it; `sum` is the sequence probability exp(Σ log p), which favours short paths.
   */
  readonly normalize?: "mean" | "sum" | undefined;
  /** Ties between equal totals: the answer that appeared first (default) or a uniform draw. */
  readonly tieBreak?: TieBreak | undefined;
}

/**
 * RPC's vote (Zhou et al., "A Theoretical Study on Bridging Internal Probability and Self-Consistency
 * for LLM Reasoning"): Perplexity Consistency weighs each answer by the summed probability of its
 * *distinct* reasoning paths — a path sampled twice is one path of the model's distribution, so
 * identical texts count once — after Reasoning Pruning has dropped the paths far less likely than the
 * rest. Candidates without an answer or log-probabilities do not vote. With every path equally likely it
 * is a majority vote over distinct paths. Records a `note` when paths were pruned or merged, then the
 * `vote` event (method `weighted:perplexity-consistency`; the tally holds each answer's share of the
 * kept probability mass).
 *
 * @example
 * const vote = perplexityConsistencyVote();
 * const { answer, tally } = vote(candidates, context);
 */
export function perplexityConsistencyVote(options: PerplexityConsistencyVoteOptions = {}): Selector {
  const prune = options.prune ?? true;
  const probability = probabilityWeight({ normalize: options.normalize ?? "mean" });
  const weight: CandidateWeight = { ...probability, name: "perplexity-consistency" };
  const vote = weightedVote({ weight, tieBreak: options.tieBreak });
  return (candidates, context) => {
    const voters: Candidate[] = [];
    const logprobs: number[] = [];
    for (const candidate of candidates) {
      const value = weight.of(candidate);
      if (candidate.answer === undefined || value === undefined || Number.isNaN(value)) continue;
      voters.push(candidate);
      logprobs.push(value);
    }
    const keep = prune ? pruneReasoningPaths(logprobs) : voters.map(() => true);
    const seen = new Set<string>();
    const distinct = voters.filter((candidate, index) => {
      if (!keep[index] || seen.has(candidate.text)) return false;
      seen.add(candidate.text);
      return true;
    });
    const pruned = keep.filter((kept) => !kept).length;
    const merged = voters.length - pruned - distinct.length;
    if (pruned > 0 || merged > 0) {
      context.tracer.record({
        type: "note",
        parentId: context.parentId,
        message: `perplexity consistency: pruned ${pruned} of ${voters.length} paths; ${merged} repeated paths counted once`,
      });
    }
    return vote(distinct, context);
  };
}
