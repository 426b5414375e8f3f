import {
  adaptiveConsistencyReached,
  checkStopConditions,
  leaderMassCertified,
  type RunProgress,
  windowUnanimous,
} from "../../budget/index.ts";
import { ConfigError } from "../../errors/index.ts";
import type { Candidate, StopCondition } from "../../spec/index.ts";
import type { GradedSample } from "./grade-replay.ts";
import { replayCandidate } from "./replay-progress.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/**
 * The replay kinds that stop drawing early: Adaptive-Consistency (also over traces stopped at their
 * probes), early-stopping self-consistency and mass-certified self-consistency.
 */
export type AdaptiveKind = "asc" | "esc" | "mass" | "probe-asc";

/** Whether a replay strategy draws its samples one by one until a stop rule holds. */
export function isAdaptive(strategy: ReplayStrategy): strategy is ReplayStrategy & { kind: AdaptiveKind } {
  return (
    strategy.kind === "asc" ||
    strategy.kind === "esc" ||
    strategy.kind === "mass" ||
    strategy.kind === "probe-asc"
  );
}

function stopRule(strategy: ReplayStrategy & { kind: AdaptiveKind }): StopCondition<RunProgress> {
  if (strategy.kind === "mass") return leaderMassCertified(strategy.unexploredWeight);
  if (strategy.kind !== "esc") return adaptiveConsistencyReached(strategy.threshold, strategy.posterior);
  if (strategy.window === undefined) {
    throw new ConfigError(`${strategy.name}: esc needs a window (esc@<k>w<window>)`, { field: "window" });
  }
  return windowUnanimous(strategy.window);
}

/**
 * How many of `samples`, drawn in order, an adaptive strategy uses: it checks its stop rule after every
 * sample, on the same `RunProgress` a live run builds (votes and keys of the samples so far, candidates
 * without an answer not voting, `spent.usage.completionTokens` the tokens of those samples), so a
 * replay stops exactly where the live strategy would on the same samples. `asc` and `probe-asc` use
 * `adaptiveConsistencyReached(threshold, posterior)`, `esc` `windowUnanimous(window)`, `mass`
 * `leaderMassCertified(unexploredWeight)` over the samples' texts (a sample without one is a trace of its
 * own) and log-probabilities; without a stop, all of them.
 *
 * @example
 * adaptiveStopPoint(parseReplayStrategy("esc@16w4"), samples); // 4 when the first four agree
 */
export function adaptiveStopPoint(
  strategy: ReplayStrategy & { kind: AdaptiveKind },
  samples: readonly GradedSample[],
): number {
  return adaptiveStop(strategy, samples).used;
}

/**
 * Where an adaptive strategy stops on `samples` (see `adaptiveStopPoint`), and whether its stop rule
 * held there (`stopped`) or it used them all without it: a cascade escalates on the second.
 *
 * @example
 * adaptiveStop(parseReplayStrategy("mass@8"), samples); // { used: 2, stopped: true } when two agree surely
 */
export function adaptiveStop(
  strategy: ReplayStrategy & { kind: AdaptiveKind },
  samples: readonly GradedSample[],
): { readonly used: number; readonly stopped: boolean } {
  const conditions = [stopRule(strategy)];
  const candidates: Candidate[] = [];
  const keys: (string | undefined)[] = [];
  // No prototype, so that an answer such as "constructor" counts from zero like any other.
  const votes: Record<string, number> = Object.create(null);
  let completionTokens: number | undefined = 0;
  for (const [index, sample] of samples.entries()) {
    // The stop rules read answers, keys and usage, and the mass rule texts and log-probabilities.
    candidates.push(replayCandidate(sample, index));
    keys.push(sample.key);
    if (sample.key !== undefined) votes[sample.key] = (votes[sample.key] ?? 0) + 1;
    completionTokens =
      completionTokens === undefined || sample.completionTokens === undefined
        ? undefined
        : completionTokens + sample.completionTokens;
    const progress: RunProgress = {
      spent: {
        usage: { promptTokens: undefined, completionTokens, calls: index + 1 },
        scoreCalls: 0,
        elapsedMilliseconds: 0,
        costUsd: undefined,
      },
      candidates,
      votes,
      keys,
    };
    if (checkStopConditions(conditions, progress) !== undefined) return { used: index + 1, stopped: true };
  }
  return { used: samples.length, stopped: false };
}
