import { z } from "zod";
import { expecting, numberSchema, parseOptions } from "../runtime/index.ts";
import { confidenceThreshold } from "../scoring/index.ts";
import type { TieBreak } from "./answer-groups.ts";
import type { CandidateWeight } from "./candidate-weight.ts";
import { scoreWeight } from "./score-weight.ts";
import type { Selector } from "./selector.ts";
import { weightedVote } from "./weighted-vote.ts";

/** Options of `confidenceFilteredVote`. */
export interface ConfidenceFilteredVoteOptions {
  /** The scorer whose latest score is each candidate's confidence (non-negative, higher is surer). */
  readonly scorer: string;
  /** η: the percent of the candidates, the most confident, that vote (in (0, 100]). */
  readonly keepPercent: number;
  /** Ties between equal totals: the answer that appeared first (default) or a uniform draw. */
  readonly tieBreak?: TieBreak | undefined;
}

/** The scorer that gives confidences and the percent that votes; the tie break is checked where it is read. */
const confidenceFilteredVoteOptions = z.object({
  scorer: z.string({ error: expecting("a scorer name (a string)") }),
  keepPercent: numberSchema({ exclusiveMinimum: 0, maximum: 100 }),
});

/**
 * DeepConf's offline vote (Fu et al., "Deep Think with Confidence"): among the candidates with an answer
 * and a confidence, only the `keepPercent`% most confident vote — round(η% of them), at least one, and
 * any as confident as the last of those, as the paper keeps every trace at or above its threshold — and
 * each vote weighs its confidence (`weightedVote`). The rest do not vote.
 *
 * @example
 * const vote = confidenceFilteredVote({ scorer: "deepconf", keepPercent: 90 });
 * const { answer } = vote(candidates, context);
 */
export function confidenceFilteredVote(options: ConfidenceFilteredVoteOptions): Selector {
  parseOptions(confidenceFilteredVoteOptions, options, "confidenceFilteredVote");
  const confidence = scoreWeight({ scorer: options.scorer });
  const { keepPercent } = options;
  return (candidates, context) => {
    const ranked = candidates.flatMap((candidate) => {
      const value = confidence.of(candidate);
      return candidate.answer === undefined || value === undefined || Number.isNaN(value)
        ? []
        : [{ candidate, value }];
    });
    const threshold =
      confidenceThreshold(
        ranked.map(({ value }) => value),
        keepPercent,
      ) ?? Number.POSITIVE_INFINITY;
    const kept = new Map(
      ranked.filter(({ value }) => value >= threshold).map(({ candidate, value }) => [candidate, value]),
    );
    const weight: CandidateWeight = {
      name: `${confidence.name}:top${keepPercent}%`,
      scale: "linear",
      of: (candidate) => kept.get(candidate),
    };
    return weightedVote({ weight, tieBreak: options.tieBreak })(candidates, context);
  };
}
