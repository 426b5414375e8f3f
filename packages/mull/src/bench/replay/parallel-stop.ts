import { ConfigError } from "../../errors/index.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/** Where traces run in parallel were stopped, what they answered and what they cost. */
export interface ParallelStop {
  /** The answer returned; `undefined` when no trace gave one. */
  readonly answer: string | undefined;
  readonly correct: boolean;
  /** The tokens read of every trace: each up to the stop, or to its own end, whichever came first. */
  readonly tokens: number;
  /** Characters of the traces' texts when every one was read to its end and has a text; else unknown. */
  readonly characters: number | undefined;
}

/** Every trace's completion tokens; strategies over parallel traces cannot do without them. */
export function traceTokens(
  problem: GradedProblem,
  strategy: ReplayStrategy,
  samples: readonly GradedSample[],
): number[] {
  return samples.map((sample) => {
    if (sample.completionTokens === undefined) {
      throw new ConfigError(
        `${strategy.name} runs traces in parallel and needs every trace's token count, but a sample of problem ${JSON.stringify(problem.id)} (${problem.location}) has none`,
        { field: "tokens" },
      );
    }
    return sample.completionTokens;
  });
}

/**
 * What traces cost when each is read up to its own limit (the stop, or where it was pruned), a trace
 * that ended before costing its own tokens: tokens, and characters when no trace was cut.
 */
export function chargeUpTo(
  samples: readonly GradedSample[],
  tokens: readonly number[],
  limits: readonly number[],
): Pick<ParallelStop, "tokens" | "characters"> {
  let total = 0;
  let cut = false;
  for (const [index, count] of tokens.entries()) {
    const limit = limits[index]!;
    total += Math.min(count, limit);
    if (count > limit) cut = true;
  }
  const characters = samples.map((sample) => sample.characters);
  return {
    tokens: total,
    characters:
      cut || characters.some((count) => count === undefined)
        ? undefined
        : characters.reduce((sum: number, count) => sum + count!, 0),
  };
}
