import { latestScore } from "../../scoring/index.ts";
import { toolCallDecision } from "../../selection/index.ts";
import type { Candidate, SolveResult } from "../../spec/index.ts";
import { finishedSample } from "../../strategies/index.ts";
import type { RequestPlan } from "./request-plan.ts";

/**
 * Whether a strategy chose nothing although some finished sample had an answer: it declined them (an
 * `accept@N` whose verifier accepted none), rather than finding none to choose.
 */
export function declined(result: SolveResult): boolean {
  return (
    result.answer === undefined &&
    result.best === undefined &&
    result.candidates.some((candidate) => finishedSample(candidate) && candidate.answer !== undefined)
  );
}

/**
 * The candidates to return: under `toolCallDecision`, the winning calls' best sample first, then the best
 * of each other call; otherwise (text won) the chosen one first, then the best of each other answer by
 * votes, then the rest, samples that ended in calls left out; where that leaves none, the finished
 * samples whose calls could not vote (the strategy's best first); at most `plan.choices` of them.
 *
 * @example
 * const chosen = rankedCandidates(await solve(…), plan); // chosen[0] answers the request
 */
export function rankedCandidates(result: SolveResult, plan: RequestPlan): Candidate[] {
  const finishedOnes = result.candidates.filter(finishedSample);
  const decision = toolCallDecision(finishedOnes, result.votes ?? {}, plan.answerFormat);
  if (decision.kind === "calls") return decision.ranked.map((entry) => entry.best).slice(0, plan.choices);
  const usable = finishedOnes.filter((candidate) => candidate.toolCalls === undefined);
  const textWon =
    result.best !== undefined && finishedSample(result.best) && result.best.toolCalls === undefined;
  const pickedCall = result.best?.toolCalls !== undefined;
  const first = textWon ? result.best : pickedCall ? undefined : usable[0];
  const ordered: Candidate[] = first === undefined ? [] : [first];
  // Text that outvoted the calls while the strategy picked a call: the best of the most voted text answer.
  if (plan.choices > 1 || ordered.length === 0) {
    const groups = new Map<string, Candidate[]>();
    for (const candidate of usable) {
      if (candidate.answer === undefined) continue;
      const key = plan.answerFormat.key(candidate.answer);
      groups.set(key, [...(groups.get(key) ?? []), candidate]);
    }
    const votes = result.votes ?? {};
    const keys = [...groups.keys()].sort((a, b) => (votes[b] ?? 0) - (votes[a] ?? 0));
    for (const key of keys) {
      const members = groups.get(key) ?? [];
      const top = [...members].sort(
        (a, b) => (latestScore(b) ?? -Infinity) - (latestScore(a) ?? -Infinity),
      )[0];
      if (top !== undefined && !ordered.includes(top)) ordered.push(top);
    }
    for (const candidate of usable) if (!ordered.includes(candidate)) ordered.push(candidate);
  }
  // Only calls that cannot vote (arguments that are not JSON): returned as the upstream gave them, with no
  // answer, as text without an answer line is, rather than failing a request that drew its samples.
  if (ordered.length === 0) {
    const best = result.best !== undefined && finishedSample(result.best) ? [result.best] : [];
    for (const candidate of [...best, ...finishedOnes])
      if (!ordered.includes(candidate)) ordered.push(candidate);
  }
  return ordered.slice(0, plan.choices);
}
