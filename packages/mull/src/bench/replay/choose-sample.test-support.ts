import { chooseSample } from "./choose-sample.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { parseReplayStrategy } from "./replay-strategy.ts";

/** A graded sample with an answer (its own key) and, unless `extra` says otherwise, nothing recorded. */
export function gradedSample(answer: string | undefined, extra: Partial<GradedSample> = {}): GradedSample {
  return {
    answer,
    key: answer,
    correct: false,
    completionTokens: undefined,
    characters: undefined,
    logprob: undefined,
    reward: undefined,
    ...extra,
  };
}

/** The problem the samples belong to, as errors name it. */
export const gradedProblem: GradedProblem = {
  id: "p1",
  difficulty: undefined,
  samples: [],
  location: "test.jsonl:1",
};

/** The index `chooseSample` picks for a selecting spec over `samples`. */
export function chooseBySpec(
  spec: string,
  samples: readonly GradedSample[],
  scale: "probability" | "logit" = "probability",
): number | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: every spec used with it is a selecting kind.
  return chooseSample(gradedProblem, samples, parseReplayStrategy(spec) as any, scale);
}
