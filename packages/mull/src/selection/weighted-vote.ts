import { z } from "zod";
import { objectWithMethods, parseOptions } from "../runtime/index.ts";
import { type AnswerGroup, answerGroups, pickWinner, recordVote, type TieBreak } from "./answer-groups.ts";
import type { CandidateWeight } from "./candidate-weight.ts";
import type { Selector } from "./selector.ts";

/** Options of `weightedVote`. */
export interface WeightedVoteOptions {
  /** The weight of each vote, e.g. `scoreWeight()` or `probabilityWeight()`. */
  readonly weight: CandidateWeight;
  /** Ties between equal totals: the answer that appeared first (default) or a uniform draw. */
  readonly tieBreak?: TieBreak | undefined;
}

function logSumExp(values: readonly number[]): number {
  const top = Math.max(...values);
  if (top === Number.NEGATIVE_INFINITY) return top;
  return top + Math.log(values.reduce((sum, value) => sum + Math.exp(value - top), 0));
}

/** The weight of each candidate; the tie break is checked where it is read. */
const weightedVoteOptions = z.object({
  weight: objectWithMethods<CandidateWeight>({
    expected: "a candidate weight",
    noun: "weight",
    methods: ["of"],
  }),
});

/**
 * A vote where each candidate's vote weighs `weight.of(candidate)`: the answer with the largest total
 * wins (ties: the answer that appeared first, or a draw). Candidates without an answer or a weight do
 * not vote. The tally holds the total weight per answer key; for log-scale weights it holds each
 * answer's share of the probability mass of the voters. Records a `vote` event.
 *
 * @example
 * const vote = weightedVote({ weight: probabilityWeight() });
 * const { answer } = vote(candidates, context);
 */
export function weightedVote(options: WeightedVoteOptions): Selector {
  parseOptions(weightedVoteOptions, options, "weightedVote");
  const { weight } = options;
  const tieBreak = options.tieBreak ?? "first";
  return (candidates, context) => {
    const weights = new Map(candidates.map((candidate) => [candidate, weight.of(candidate)]));
    const voters = candidates.filter((candidate) => {
      const value = weights.get(candidate);
      return value !== undefined && !Number.isNaN(value);
    });
    const groups = answerGroups(voters, context.answerFormat);
    const raw = groups.map((group) => {
      const values = group.members.map((member) => weights.get(member)!);
      return weight.scale === "log" ? logSumExp(values) : values.reduce((sum, value) => sum + value, 0);
    });
    const winner = pickWinner(raw, tieBreak, context.rng);
    const totals = new Map<AnswerGroup, number>();
    const all = weight.scale === "log" ? logSumExp(raw) : 0;
    groups.forEach((group, index) => {
      const share = all === Number.NEGATIVE_INFINITY ? 0 : Math.exp(raw[index]! - all);
      totals.set(group, weight.scale === "log" ? share : raw[index]!);
    });
    return recordVote(
      groups,
      winner,
      `weighted:${weight.name}`,
      context,
      (group) => totals.get(group)!,
      (candidate) => weights.get(candidate),
    );
  };
}
