import { optionalMethodsOf } from "../../runtime/index.ts";
import { tokenInstability, traceConfidence, traceSelfCertainty } from "../../scoring/index.ts";
import type { Backend, GenerationRequest, GenerationResult } from "../../spec/index.ts";
import { peakPositionScorer, stabilityScorer } from "../metrics/index.ts";

/** A backend that notes trace scores of the completions it returns, and looks them up by text. */
export interface TraceScoreRecorder {
  /** The wrapped backend: the same completions, noted on the way. */
  readonly backend: Backend;
  /** The scores noted for a completion of exactly this text; `undefined` for text never seen. */
  scoresOf(text: string): Readonly<Record<string, number>> | undefined;
}

function noteScores(
  request: GenerationRequest,
  result: GenerationResult,
  scores: Map<string, Record<string, number>>,
): void {
  const k = request.topLogprobs;
  if (k === undefined || k < 2) return;
  for (const completion of result.completions) {
    const tokens = completion.tokens;
    // A cut trace's tokens stop where the cut chose (a low confidence, a late peak): no trace score.
    if (tokens === undefined || tokens.length === 0 || completion.finishReason === "cut") continue;
    const noted: Record<string, number> = {};
    const instability = tokenInstability(tokens, { k });
    if (instability !== undefined) {
      // As `stabilityScore` scores it, with where the peak fell (not a confidence: reports split by it).
      noted[stabilityScorer] = Math.exp(-instability.peak);
      noted[peakPositionScorer] = instability.peakPosition;
    }
    const confidence = traceConfidence(tokens, { k });
    if (confidence !== undefined) noted["deepconf:lowest-group"] = confidence;
    const certainty = traceSelfCertainty(tokens, { k });
    if (certainty !== undefined) noted["self-certainty"] = certainty;
    if (Object.keys(noted).length > 0) scores.set(completion.text, noted);
  }
}

/**
 * Wraps a backend so that a bench pair can keep trace scores of its samples, which the store otherwise
 * could not have (it keeps no per-token data): for each completion sampled with top alternatives
 * (`topLogprobs` ≥ 2, as DeepConf and self-certainty ask), its stability (`exp(−peak instability)`,
 * `stability`) and where its peak fell (`stability:peak-position`, 0 to 1), DeepConf's lowest-group confidence (`deepconf:lowest-group`) and its self-certainty
 * (`self-certainty`), with the defaults of their strategies. A completion its strategy cut short (finish
 * reason `cut`) gets none: its tokens end where the cut chose, so its peak would sit at the cut. Candidates
 * are matched to completions by their text; a candidate whose text no completion had (built from steps,
 * say) gets none. The wrapped backend has the optional methods of `backend` (`score`, `countTokens`,
 * `measureRates`), so a pair runs as it would on `backend` itself (a prompt counted past a token budget
 * stops it), and no `dispose`: the pair does not own it.
 *
 * @example
 * const recorder = traceScoreRecorder(backend);
 * const result = await solve({ problem, strategy, backend: recorder.backend });
 * recorder.scoresOf(result.candidates[0]!.text); // { stability: 0.41, "deepconf:lowest-group": 9.3, … }
 */
export function traceScoreRecorder(backend: Backend): TraceScoreRecorder {
  const scores = new Map<string, Record<string, number>>();
  const wrapped: Backend = {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: async (request, options) => {
      const result = await backend.generate(request, options);
      noteScores(request, result, scores);
      return result;
    },
    ...optionalMethodsOf(backend),
  };
  return { backend: wrapped, scoresOf: (text) => scores.get(text) };
}
