import { defaultCascadeThreshold } from "../../routing/index.ts";
import { sumKnown } from "../metrics/index.ts";
import { adaptiveStop } from "./adaptive-stop-point.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { type ProblemOutcome, subsetOutcome } from "./problem-outcome.ts";
import type { RewardScale } from "./replay-dataset.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";
import { sampleAgreement } from "./sample-agreement.ts";

/** A cascade replay strategy: `cascade@N[xM][tT]` or `cascade-mass@N[xM]`. */
export type CascadeReplayStrategy = ReplayStrategy & {
  readonly kind: "cascade" | "cascade-mass";
  readonly escalationK: number;
};

/** One model's stage of a cascade: `maj@k`, or `mass@k` with the full certificate. */
function stage(kind: CascadeReplayStrategy["kind"], k: number): ReplayStrategy {
  return kind === "cascade-mass"
    ? { name: `mass@${k}`, kind: "mass", k, unexploredWeight: 1 }
    : { name: `maj@${k}`, kind: "maj", k };
}

/**
 * How a model cascade does on one problem, replayed from two models' recorded samples: the first model's
 * stage (`maj@N`, or `mass@N` for `cascade-mass`) runs on `firstDrawn`; it answers when its leader holds at
 * least the threshold of its answered samples (for `cascade-mass`: when it stopped on its certificate),
 * and otherwise the larger model's stage (`maj@M` / `mass@M`) on `escalationDrawn` answers alone, as the
 * live `cascade` and `massCascade` strategies do. The cascade is charged every sample both stages used;
 * `escalationTokens` says how many of those tokens the larger model wrote.
 *
 * @example
 * cascadeOutcome(small, small.samples.slice(0, 4), large, large.samples.slice(0, 8), parseReplayStrategy("cascade@4x8t1") as CascadeReplayStrategy, "probability");
 */
export function cascadeOutcome(
  first: GradedProblem,
  firstDrawn: readonly GradedSample[],
  escalation: GradedProblem,
  escalationDrawn: readonly GradedSample[],
  strategy: CascadeReplayStrategy,
  rewardScale: RewardScale,
): ProblemOutcome {
  const firstStage = stage(strategy.kind, strategy.k);
  const answered = subsetOutcome(first, firstDrawn, firstStage, rewardScale);
  const escalate =
    strategy.kind === "cascade-mass"
      ? !adaptiveStop({ ...firstStage, kind: "mass" }, firstDrawn).stopped
      : sampleAgreement(firstDrawn).agreement < (strategy.threshold ?? defaultCascadeThreshold);
  if (!escalate) return { ...answered, escalated: 0, escalationTokens: 0 };
  const larger = subsetOutcome(
    escalation,
    escalationDrawn,
    stage(strategy.kind, strategy.escalationK),
    rewardScale,
  );
  return {
    score: larger.score,
    answer: larger.answer,
    answered: larger.answered,
    samples: answered.samples + larger.samples,
    tokens: sumKnown([answered.tokens, larger.tokens]),
    characters: sumKnown([answered.characters, larger.characters]),
    escalated: 1,
    escalationTokens: larger.tokens,
  };
}
