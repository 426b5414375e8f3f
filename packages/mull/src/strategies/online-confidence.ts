import { groupConfidences, tokenConfidence } from "../scoring/index.ts";
import type { Candidate, Score, TokenLogprob } from "../spec/index.ts";

/** The paper's group size, for traces of tens of thousands of tokens. */
const paperWindow = 2048;

/** Online DeepConf's trace scoring, whose group window is known only once the warm-up is in. */
export interface OnlineConfidence {
  /**
   * `scoreTokens` for the warm-up: keeps a trace's token confidences and returns a placeholder score
   * that `settle` replaces; `undefined` when no position had top alternatives.
   */
  hold(tokens: readonly TokenLogprob[]): Score | undefined;
  /**
   * Fixes the window (the given one, else min(2048, ⌈mean warm-up length / 8⌉)) and scores the warm-up
   * candidates with it, replacing the placeholders.
   */
  settle(candidates: readonly Candidate[]): { readonly candidates: Candidate[]; readonly window: number };
  /** `scoreTokens` once the window is known: the trace's lowest group confidence. */
  score(tokens: readonly TokenLogprob[], window: number): Score | undefined;
}

function confidencesOf(tokens: readonly TokenLogprob[], k: number): number[] {
  return tokens.flatMap((token) => {
    const confidence = tokenConfidence(token, k);
    return confidence === undefined ? [] : [confidence];
  });
}

/** The lowest group confidence, as `traceConfidence` measures `lowest-group` with this window. */
function lowestGroup(confidences: readonly number[], window: number): number {
  return groupConfidences(confidences, window).reduce((lowest, value) => Math.min(lowest, value));
}

/**
 * The scoring of `deepConfOnline`: each trace's lowest group confidence under `scorer`, over windows of
 * `window` tokens, or, when it is not given, of an eighth of the warm-up traces' mean length (at most the
 * paper's 2048), so that the stop threshold and the watcher measure groups of one size.
 */
export function onlineConfidence(options: {
  readonly scorer: string;
  readonly k: number;
  readonly window: number | undefined;
}): OnlineConfidence {
  const { scorer, k } = options;
  const held = new Map<Score, readonly number[]>();
  const scoreOf = (confidences: readonly number[], window: number): Score => ({
    scorer,
    kind: "confidence",
    value: lowestGroup(confidences, window),
  });
  return {
    hold(tokens) {
      const confidences = confidencesOf(tokens, k);
      if (confidences.length === 0) return undefined;
      const placeholder: Score = { scorer, kind: "confidence", value: Number.NaN };
      held.set(placeholder, confidences);
      return placeholder;
    },
    settle(candidates) {
      const lengths = [...held.values()].map((confidences) => confidences.length);
      const mean = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, lengths.length);
      const window = options.window ?? Math.max(1, Math.min(paperWindow, Math.ceil(mean / 8)));
      const settled = candidates.map((candidate) => ({
        ...candidate,
        scores: candidate.scores.map((score) => {
          const confidences = held.get(score);
          return confidences === undefined ? score : scoreOf(confidences, window);
        }),
      }));
      held.clear();
      return { candidates: settled, window };
    },
    score(tokens, window) {
      const confidences = confidencesOf(tokens, k);
      return confidences.length === 0 ? undefined : scoreOf(confidences, window);
    },
  };
}
