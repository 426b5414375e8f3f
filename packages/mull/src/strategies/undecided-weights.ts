import type { CandidateWeight } from "../selection/index.ts";
import type { Candidate } from "../spec/index.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";

/** Why a weighted vote's weights cannot choose among the candidates (`undecidedWeights`). */
export interface UndecidedWeights {
  /** Candidates with an answer that could be weighed; 0 when none could. */
  readonly weighed: number;
  /**
   * Of those, how many weigh by a score whose reply held no verdict (the scorer's `detail` starts with
   * `no verdict`, as an LLM judge's does when it scores such a reply 0).
   */
  readonly noVerdict: number;
}

/** Whether a candidate's latest score from `scorer` says its reply held no verdict. */
function heldNoVerdict(candidate: Candidate, scorer: string): boolean {
  const score = candidate.scores.findLast((each) => each.scorer === scorer);
  return score?.detail?.startsWith("no verdict") === true;
}

/**
 * Whether the weights leave a weighted vote over `candidates` nothing to choose by, so that it would
 * return the first answer by order alone: no candidate with an answer can be weighed, or every one that
 * can weighs nothing (0 on a linear scale, probability 0 on a log scale), as when an LLM judge gave no
 * usable verdict and scored each 0. `undefined` when the weights choose, or when no candidate has an
 * answer (a majority vote would find nothing either). `scorer` names the scorer whose scores are the
 * weights, when they are, to count the replies without a verdict.
 *
 * @example
 * const undecided = undecidedWeights(candidates, scoreWeight({ scorer: judge.name }), judge.name);
 * const select = undecided === undefined ? weightedVote({ weight }) : majorityVote();
 */
export function undecidedWeights(
  candidates: readonly Candidate[],
  weight: CandidateWeight,
  scorer?: string,
): UndecidedWeights | undefined {
  const answered = candidates.filter((candidate) => candidate.answer !== undefined);
  if (answered.length === 0) return undefined;
  const values = answered
    .map((candidate) => ({ candidate, value: weight.of(candidate) }))
    .filter((each): each is { candidate: Candidate; value: number } => {
      return each.value !== undefined && !Number.isNaN(each.value);
    });
  const nothing = weight.scale === "log" ? Number.NEGATIVE_INFINITY : 0;
  if (values.some((each) => each.value !== nothing)) return undefined;
  const noVerdict =
    scorer === undefined ? 0 : values.filter((each) => heldNoVerdict(each.candidate, scorer)).length;
  return { weighed: values.length, noVerdict };
}

/**
 * The trace note of strategy `name` falling back to a majority vote because its weights could not
 * choose (`undecidedWeights`), on a weight of the given `scale`.
 *
 * @example
 * undecidedWeightsNote("wv@4", { weighed: 4, noVerdict: 4 }, "linear");
 * // "wv@4: all 4 weighed candidates weigh 0, so the weights cannot choose; 4 of 4 replies held no usable verdict; falling back to a majority vote"
 */
export function undecidedWeightsNote(
  name: string,
  undecided: UndecidedWeights,
  scale: CandidateWeight["scale"],
): string {
  const { weighed, noVerdict } = undecided;
  if (weighed === 0) return majorityFallbackMessage(name, "no candidate could be weighed");
  const [one, many] = scale === "log" ? ["has probability 0", "have probability 0"] : ["weighs 0", "weigh 0"];
  const which =
    weighed === 1 ? `the 1 weighed candidate ${one}` : `all ${weighed} weighed candidates ${many}`;
  const why = noVerdict > 0 ? `; ${noVerdict} of ${weighed} replies held no usable verdict` : "";
  return majorityFallbackMessage(name, `${which}, so the weights cannot choose${why}`);
}
