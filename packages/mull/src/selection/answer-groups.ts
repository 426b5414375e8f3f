import { latestScore } from "../scoring/index.ts";
import type { AnswerFormat, Candidate, Rng } from "../spec/index.ts";
import type { SelectionContext, VoteResult } from "./selector.ts";

/** Candidates sharing an answer key, with the position of the first of them. */
export interface AnswerGroup {
  readonly key: string;
  readonly members: Candidate[];
  readonly firstPosition: number;
}

/** Groups candidates by answer key in order of first appearance; candidates without an answer are left out. */
export function answerGroups(candidates: readonly Candidate[], answerFormat: AnswerFormat): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  candidates.forEach((candidate, position) => {
    if (candidate.answer === undefined) return;
    const key = answerFormat.key(candidate.answer);
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, members: [], firstPosition: position };
      groups.set(key, group);
    }
    group.members.push(candidate);
  });
  return [...groups.values()];
}

/** How ties between equally supported answers are broken. */
export type TieBreak = "first" | "random";

/**
 * The index of the winner among `totals` (one per group, groups in order of first appearance): the
 * largest total; on a tie, the group that appeared first (`first`) or a uniform draw (`random`).
 */
export function pickWinner(totals: readonly number[], tieBreak: TieBreak, rng: Rng): number | undefined {
  if (totals.length === 0) return undefined;
  const top = Math.max(...totals);
  const tied = totals.flatMap((total, index) => (total === top ? [index] : []));
  if (tieBreak === "first" || tied.length === 1) return tied[0];
  return tied[Math.min(tied.length - 1, Math.floor(rng.next() * tied.length))];
}

/** The member ranked highest (default: by latest score); the first member when none is ranked or on ties. */
export function bestMember(
  members: readonly Candidate[],
  rank: (candidate: Candidate) => number | undefined = (candidate) => latestScore(candidate),
): Candidate | undefined {
  let best: Candidate | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const member of members) {
    const score = rank(member) ?? Number.NEGATIVE_INFINITY;
    if (best === undefined || score > bestScore) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

/** Records a vote over groups and builds its result. */
export function recordVote(
  groups: readonly AnswerGroup[],
  winner: number | undefined,
  method: string,
  context: SelectionContext,
  total: (group: AnswerGroup) => number,
  rank?: (candidate: Candidate) => number | undefined,
): VoteResult {
  const tally = Object.fromEntries(groups.map((group) => [group.key, total(group)]));
  const group = winner === undefined ? undefined : groups[winner];
  const best = group === undefined ? undefined : bestMember(group.members, rank);
  const eventId = context.tracer.record({
    type: "vote",
    parentId: context.parentId,
    method,
    tally,
    winner: group?.key,
  });
  return { answer: best?.answer, key: group?.key, best, tally, eventId };
}
