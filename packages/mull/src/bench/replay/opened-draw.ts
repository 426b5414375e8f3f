import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/** The first `k` of a problem's samples in `order` (their indices), or in file order without one. */
function drawSamples(
  problem: GradedProblem,
  order: readonly number[] | undefined,
  k: number,
): GradedSample[] {
  const indices = order ?? problem.samples.map((_, index) => index);
  return indices.slice(0, k).map((index) => problem.samples[index]!);
}

/**
 * How many of a problem's recorded samples a strategy reading `k` draws: one fewer after a greedy trace.
 *
 * @example
 * drawnCount(parseReplayStrategy("mass@8g"), 8); // 7
 */
export function drawnCount(strategy: ReplayStrategy, k: number): number {
  return strategy.greedyFirst === true ? k - 1 : k;
}

/**
 * The first `k` samples a strategy reads: its opening (a greedy trace) when it has one, then drawn ones.
 *
 * @example
 * openedDraw(problem, undefined, 4, greedy); // [greedy, samples[0], samples[1], samples[2]]
 */
export function openedDraw(
  problem: GradedProblem,
  order: readonly number[] | undefined,
  k: number,
  opening: GradedSample | undefined,
): GradedSample[] {
  return opening === undefined
    ? drawSamples(problem, order, k)
    : [opening, ...drawSamples(problem, order, k - 1)];
}
