import {
  adaptiveConsistencyReached,
  candidatesReached,
  checkStopConditions,
  leadingAnswer,
  type RunProgress,
} from "../../budget/index.ts";
import type { Candidate, StopCondition } from "../../spec/index.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { chargeUpTo, type ParallelStop, traceTokens } from "./parallel-stop.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/**
 * Adaptive-Consistency over traces run in parallel (`pasc@W[fF][t<threshold>]`): the W traces start
 * together and vote in the order they finish (the shortest first; equal lengths in draw order). After
 * each one finishes, the stop rules a live run checks see the finished traces as candidates, in that
 * order: `adaptiveConsistencyReached(threshold)` and, with a quorum F, `candidatesReached(F)`. When one
 * holds, every trace still running stops there, and the majority vote over the finished traces is
 * returned (ties to the answer that finished first). Each trace is charged min(its tokens, the length
 * of the trace whose finish stopped the run); with no stop, all run to their ends.
 *
 * Shorter traces are more often right on reasoning models, so voting in order of completion is not
 * the same as drawing traces one by one: it favours them, and the quorum drops the slow tail entirely
 * (short-m@k, Hassid et al. 2025).
 *
 * @throws ConfigError when a trace has no token count.
 * @example
 * completionOrderStop(problem, samples, parseReplayStrategy("pasc@24f12"));
 */
export function completionOrderStop(
  problem: GradedProblem,
  samples: readonly GradedSample[],
  strategy: ReplayStrategy,
): ParallelStop {
  const tokens = traceTokens(problem, strategy, samples);
  const conditions: StopCondition<RunProgress>[] = [adaptiveConsistencyReached(strategy.threshold)];
  if (strategy.quorum !== undefined) conditions.push(candidatesReached(strategy.quorum));
  const order = samples.map((_, index) => index).sort((a, b) => tokens[a]! - tokens[b]! || a - b);
  const candidates: Candidate[] = [];
  const keys: (string | undefined)[] = [];
  // No prototype, so that an answer such as "constructor" counts from zero like any other.
  const votes: Record<string, number> = Object.create(null);
  const finished: GradedSample[] = [];
  let position = 0;
  for (const index of order) {
    const sample = samples[index]!;
    position = tokens[index]!;
    finished.push(sample);
    candidates.push({
      id: String(index),
      text: "",
      answer: sample.answer,
      finishReason: "stop",
      completionTokens: position,
      scores: [],
    });
    keys.push(sample.key);
    if (sample.key !== undefined) votes[sample.key] = (votes[sample.key] ?? 0) + 1;
    const progress: RunProgress = {
      spent: {
        usage: {
          promptTokens: undefined,
          completionTokens: tokens.reduce((sum, count) => sum + Math.min(count, position), 0),
          calls: candidates.length,
        },
        scoreCalls: 0,
        elapsedMilliseconds: 0,
        costUsd: undefined,
      },
      candidates,
      votes,
      keys,
    };
    if (checkStopConditions(conditions, progress) !== undefined) break;
  }
  const leader = leadingAnswer(keys);
  const winner = finished.find((sample) => sample.key !== undefined && sample.key === leader?.key);
  return {
    answer: winner?.answer,
    correct: winner?.correct ?? false,
    ...chargeUpTo(
      samples,
      tokens,
      samples.map(() => position),
    ),
  };
}
