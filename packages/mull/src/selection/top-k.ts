import { z } from "zod";
import { integerSchema, parseOptions } from "../runtime/index.ts";
import { latestScore } from "../scoring/index.ts";
import type { Candidate } from "../spec/index.ts";
import type { SelectionContext } from "./selector.ts";

const topKOptions = z.object({
  /** How many to keep. */
  k: integerSchema({ minimum: 1 }),
  /** Rank by this scorer's latest score; default the latest score of any scorer. */
  scorer: z.string().optional(),
});

/** Options of `topK`. */
export type TopKOptions = z.input<typeof topKOptions>;

/** The candidates kept and dropped by `topK`. */
export interface TopKResult {
  /** The `k` best, best first (ties: earlier first; unscored candidates rank last). */
  readonly kept: readonly Candidate[];
  /** The other candidates, best first. */
  readonly dropped: readonly Candidate[];
}

/**
 * Keeps the `k` best-scored candidates and records a `selection` event with the kept and dropped ids.
 *
 * @example
 * const { kept } = topK({ k: 4 })(scoredCandidates, context);
 */
export function topK(
  options: TopKOptions,
): (candidates: readonly Candidate[], context: SelectionContext) => TopKResult {
  const { k, scorer } = parseOptions(topKOptions, options, "topK");
  return (candidates, context) => {
    const ranked = candidates
      .map((candidate, position) => ({ candidate, position, score: latestScore(candidate, scorer) }))
      .sort((a, b) => {
        const left = a.score ?? Number.NEGATIVE_INFINITY;
        const right = b.score ?? Number.NEGATIVE_INFINITY;
        return left === right ? a.position - b.position : right - left;
      });
    const kept = ranked.slice(0, k);
    const dropped = ranked.slice(k);
    context.tracer.record({
      type: "selection",
      parentId: context.parentId,
      method: `top-${k}`,
      chosen: kept.map((entry) => entry.candidate.id),
      dropped: dropped.map((entry) => entry.candidate.id),
      weights: kept.map((entry) => entry.score ?? Number.NaN),
    });
    return { kept: kept.map((entry) => entry.candidate), dropped: dropped.map((entry) => entry.candidate) };
  };
}
