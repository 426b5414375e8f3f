import { latestScore } from "../scoring/index.ts";
import type { Candidate } from "../spec/index.ts";
import type { Selector } from "./selector.ts";

/** Options of `argmaxByScore`. */
export interface ArgmaxByScoreOptions {
  /** Rank by this scorer's latest score; default the latest score of any scorer. */
  readonly scorer?: string | undefined;
}

/**
 * Best-of-N's selection: the highest-scored candidate that has an answer (the first on ties); when no
 * scored candidate has an answer, the highest-scored candidate. Unscored candidates are not chosen.
 * Records a `vote` event whose tally is the best score per answer key.
 *
 * @example
 * const { best, answer } = argmaxByScore({ scorer: "checker" })(scoredCandidates, context);
 */
export function argmaxByScore(options: ArgmaxByScoreOptions = {}): Selector {
  const { scorer } = options;
  return (candidates, context) => {
    const scored = candidates.flatMap((candidate) => {
      const score = latestScore(candidate, scorer);
      return score === undefined || Number.isNaN(score) ? [] : [{ candidate, score }];
    });
    const pool = scored.some((entry) => entry.candidate.answer !== undefined)
      ? scored.filter((entry) => entry.candidate.answer !== undefined)
      : scored;
    let best: { candidate: Candidate; score: number } | undefined;
    for (const entry of pool) if (best === undefined || entry.score > best.score) best = entry;
    const tally: Record<string, number> = {};
    const keys = new Map<Candidate, string>();
    for (const entry of scored) {
      if (entry.candidate.answer === undefined) continue;
      const key = context.answerFormat.key(entry.candidate.answer);
      keys.set(entry.candidate, key);
      if (!Object.hasOwn(tally, key) || entry.score > tally[key]!) {
        Object.defineProperty(tally, key, {
          value: entry.score,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    const key = best === undefined ? undefined : keys.get(best.candidate);
    const eventId = context.tracer.record({
      type: "vote",
      parentId: context.parentId,
      method: scorer === undefined ? "argmax" : `argmax:${scorer}`,
      tally,
      winner: key,
    });
    return { answer: best?.candidate.answer, key, best: best?.candidate, tally, eventId };
  };
}
