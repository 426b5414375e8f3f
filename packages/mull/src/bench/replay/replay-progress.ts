import type { RunProgress } from "../../budget/index.ts";
import type { Candidate } from "../../spec/index.ts";
import type { GradedSample } from "./grade-replay.ts";

/**
 * A recorded sample as the candidate a live run would have drawn: its answer, its text (a sample without
 * one gets a text of its own, `\u0000<index>`, so that it counts as a distinct trace), its log-probability
 * and its completion tokens. The stop rules and the mass signal read answers, texts and log-probabilities.
 *
 * @example
 * replayCandidate(sample, 3); // { id: "3", text: "… #### 42", logprob: -2.1, answer: "42", … }
 */
export function replayCandidate(sample: GradedSample, index: number): Candidate {
  return {
    id: String(index),
    text: sample.text ?? `\u0000${index}`,
    ...(sample.logprob === undefined ? {} : { logprob: sample.logprob }),
    answer: sample.answer,
    finishReason: "stop",
    completionTokens: sample.completionTokens,
    scores: [],
  };
}

/**
 * The `RunProgress` a live run has after drawing `samples` in order: their candidates (`replayCandidate`),
 * answer keys and votes (samples without an answer do not vote), and their completion tokens as
 * `spent.usage.completionTokens` (`undefined` when any count is unknown).
 *
 * @example
 * massGap(replayProgress(probe)); // how far the probe's leader is from a certified lead in mass
 */
export function replayProgress(samples: readonly GradedSample[]): RunProgress {
  // No prototype, so that an answer such as "constructor" counts from zero like any other.
  const votes: Record<string, number> = Object.create(null);
  let completionTokens: number | undefined = 0;
  for (const sample of samples) {
    if (sample.key !== undefined) votes[sample.key] = (votes[sample.key] ?? 0) + 1;
    completionTokens =
      completionTokens === undefined || sample.completionTokens === undefined
        ? undefined
        : completionTokens + sample.completionTokens;
  }
  return {
    spent: {
      usage: { promptTokens: undefined, completionTokens, calls: samples.length },
      scoreCalls: 0,
      elapsedMilliseconds: 0,
      costUsd: undefined,
    },
    candidates: samples.map(replayCandidate),
    votes,
    keys: samples.map((sample) => sample.key),
  };
}
