import { ConfigError } from "../../errors/index.ts";
import { alignById } from "./align-by-id.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { isCascade, type ReplayStrategy } from "./replay-strategy.ts";

/** Which model's greedy traces `alignOpenings` aligns: the first model's, or the larger one's of a cascade. */
export interface OpeningsOf {
  /** The option that holds them, named in errors. */
  readonly field: "openings" | "escalationOpenings";
  /** The strategies that open with them. */
  readonly opens: (strategy: ReplayStrategy) => boolean;
  /** The flags that give them. */
  readonly flags: string;
  /** What the strategy opens with, in errors: `each problem's greedy trace`. */
  readonly trace: string;
  /** What is missing for a problem, in errors: `there is no greedy trace`. */
  readonly missing: string;
  /** One problem's trace, in errors: `the greedy trace`. */
  readonly one: string;
}

/** The first model's greedy traces (`openings`), which `mass@kg` and `cascade-mass@NxMg` open with. */
export const firstModelOpenings: OpeningsOf = {
  field: "openings",
  opens: (strategy) => strategy.greedyFirst === true,
  flags: "--greedy-samples or --greedy-strategy",
  trace: "each problem's greedy trace",
  missing: "there is no greedy trace",
  one: "the greedy trace",
};

/** The larger model's greedy traces (`escalationOpenings`), which `cascade-mass@NxMg` escalates to first. */
export const escalationOpenings: OpeningsOf = {
  field: "escalationOpenings",
  opens: (strategy) => strategy.greedyFirst === true && isCascade(strategy),
  flags: "--escalate-greedy-samples or --escalate-greedy-strategy",
  trace: "each problem's greedy trace from the larger model when it escalates",
  missing: "the larger model has no greedy trace",
  one: "the larger model's greedy trace",
};

/**
 * Each problem's recorded greedy trace, in the order of `problems`, for the strategies among `strategies`
 * that open with one (`mass@kg`, and each model of `cascade-mass@NxMg`); `undefined` when none does.
 *
 * @throws ConfigError when a problem has no greedy trace or several samples where its greedy trace should
 *   be, or its trace has no logprob to weigh it by.
 * @example
 * const greedy = alignOpenings(problems, [parseReplayStrategy("mass@8g")], openings, firstModelOpenings);
 */
export function alignOpenings(
  problems: readonly GradedProblem[],
  strategies: readonly ReplayStrategy[],
  openings: readonly GradedProblem[] | undefined,
  of: OpeningsOf,
): GradedSample[] | undefined {
  const first = strategies.find(of.opens);
  if (first === undefined) return undefined;
  const aligned = alignById(problems, openings, {
    field: of.field,
    absent: `--strategies: ${first.name} opens with ${of.trace}: give the greedy traces of the same problems (${of.flags})`,
    whose: of.missing,
    why: `${first.name} needs one for every problem`,
  });
  const several = aligned.find((problem) => problem.samples.length > 1);
  if (several !== undefined) {
    throw new ConfigError(
      `${of.field}: problem ${JSON.stringify(several.id)} has ${several.samples.length} samples in ${several.location}, but ${of.one} is one sample per problem; give only the greedy traces (${of.flags})`,
      { field: of.field },
    );
  }
  const blind = aligned.find((problem) => problem.samples[0]?.logprob === undefined);
  if (blind !== undefined) {
    throw new ConfigError(
      `${of.field}: ${of.one} of problem ${JSON.stringify(blind.id)} (${blind.location}) has no logprob, which ${first.name} weighs it by; record greedy traces with log-probabilities (the strategy mass@1g is greedy decoding that records them)`,
      { field: of.field },
    );
  }
  return aligned.map((problem) => problem.samples[0]!);
}
