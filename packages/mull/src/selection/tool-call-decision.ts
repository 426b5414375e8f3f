import type { AnswerFormat, Candidate } from "../spec/index.ts";
import { bestMember } from "./answer-groups.ts";

/** What a set of samples that may end in function calls decided. */
export type ToolCallDecision =
  | {
      readonly kind: "calls";
      /** The winning calls' answer key (`tool:name({…})`). */
      readonly key: string;
      /** Call answers by support, most supported first (the winner first), each with its best sample. */
      readonly ranked: readonly { readonly key: string; readonly best: Candidate }[];
    }
  | { readonly kind: "text" };

/**
 * Decides between function calls and text when samples may end in either, in two steps:
 *
 * 1. calls or text: the side more samples took wins (a sample counts whether or not an answer could be
 *    read from its text); a tie goes to the calls, so that an agent is not answered without the data half
 *    its samples asked for;
 * 2. among calls: the call answer (`toolCallAnswer`: name and canonical arguments) with the most support in
 *    `tally`, the strategy's own vote (weighted or scored where the strategy weighs), else by count;
 *    a tie goes to the call that appeared first among the samples. Its best-scored sample answers.
 *
 * With text winning, the strategy's own choice among the text samples stands (`kind: "text"`).
 *
 * @example
 * const decision = toolCallDecision(result.candidates, result.votes ?? {}, answerFormat);
 * if (decision.kind === "calls") reply(decision.ranked[0]?.best.toolCalls);
 */
export function toolCallDecision(
  candidates: readonly Candidate[],
  tally: Readonly<Record<string, number>>,
  answerFormat: AnswerFormat,
): ToolCallDecision {
  const calls = candidates.filter(
    (candidate) => candidate.toolCalls !== undefined && candidate.toolCalls.length > 0,
  );
  if (calls.length === 0 || calls.length < candidates.length - calls.length) return { kind: "text" };
  const groups = new Map<string, Candidate[]>();
  for (const candidate of calls) {
    if (candidate.answer === undefined) continue;
    const key = answerFormat.key(candidate.answer);
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  const support = (key: string) => tally[key] ?? groups.get(key)?.length ?? 0;
  // Map order is first appearance, and the sort is stable: ties keep the call that came first.
  const ranked = [...groups.entries()]
    .sort(([a], [b]) => support(b) - support(a))
    .flatMap(([key, members]) => {
      const best = bestMember(members);
      return best === undefined ? [] : [{ key, best }];
    });
  const winner = ranked[0];
  return winner === undefined ? { kind: "text" } : { kind: "calls", key: winner.key, ranked };
}
