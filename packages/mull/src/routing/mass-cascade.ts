import { z } from "zod";
import { checkInteger } from "../runtime/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import { massConsistency } from "../strategies/mass-consistency.ts";
import { checkedByFactory, flagOption, namedBackendsOption } from "../strategies/option-schemas.ts";
import type { NamedBackend, StrategyEntry } from "../strategies/strategy-entry.ts";
import { cascade } from "./cascade.ts";
import { routeEnds } from "./route-ends.ts";

/** Options of `massCascade`. */
export interface MassCascadeOptions {
  /** The models, cheapest first (`[small, large]`, or a longer chain); two or more. */
  readonly models: readonly NamedBackend[];
  /** Most samples of the first model's `mass@K`. */
  readonly small: number;
  /** Most samples of each later model's `mass@M`; default `small`. */
  readonly large?: number | undefined;
  /** Open every model's `mass` with its greedy trace (`mass@Kg`, `massConsistency`'s `greedyFirst`); default false. */
  readonly greedyFirst?: boolean | undefined;
}

const massCascadeOptions = z.strictObject({
  models: namedBackendsOption,
  small: checkedByFactory,
  large: checkedByFactory,
  greedyFirst: flagOption.optional(),
} satisfies Record<keyof MassCascadeOptions, unknown>);

/**
 * A cascade that escalates on proof rather than on a vote count: the cheapest model runs mass-certified
 * self-consistency (`mass@K`, `massConsistency`) and its answer stands when it stopped on its certificate,
 * its leader's probability mass over distinct traces exceeding the runner-up's plus all the mass no drawn
 * trace covers; a model that drew its `K` samples without one hands the problem to the next model's
 * `mass@M`, and the last model answers by its mass vote. A confident small model answers from one or two
 * samples; a split one escalates after `K`. Built on `cascade({ settle: "stopped" })`; needs
 * log-probabilities from every model.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, fewer than two models or a sample
 * count below 1, each in `massCascade`'s name.
 * @example
 * const models = [{ name: "lab-small", backend: small }, { name: "lab-large", backend: large }];
 * const strategy = massCascade({ models, small: 2, large: 8 }); // cascade-mass@2x8
 * const greedyFirst = massCascade({ models, small: 2, large: 8, greedyFirst: true }); // cascade-mass@2x8g
 */
export function massCascade(options: MassCascadeOptions): Strategy {
  const owner = "massCascade";
  checkFactoryOptions(massCascadeOptions, options, owner);
  routeEnds(owner, options.models);
  const small = checkInteger(owner, "small", options.small, { minimum: 1 });
  const large = checkInteger(owner, "large", options.large ?? small, { minimum: 1 });
  const greedyFirst = options.greedyFirst ?? false;
  const strategy = cascade({
    models: options.models,
    small,
    large,
    settle: "stopped",
    strategies: options.models.map((_, index) =>
      massConsistency({ n: index === 0 ? small : large, greedyFirst }),
    ),
  });
  const counts = small === large ? `${small}` : `${small}x${large}`;
  return { ...strategy, name: `cascade-mass@${counts}${greedyFirst ? "g" : ""}` };
}

/** `cascade-mass@N` and `cascade-mass@NxM` (with `g`, greedy traces first) in the strategy catalog. */
export const massCascadeEntry: StrategyEntry = {
  forms: ["cascade-mass@N", "cascade-mass@NxM", "cascade-mass@Ng", "cascade-mass@NxMg"],
  kind: "routing",
  summary:
    "model cascade on proof: mass@N on the first model of the route; unless its leader's mass is certified, the next model runs mass@M (default N) and answers; g: each opens with its greedy trace",
  needs: ["models", "logprobs"],
  replay: "recorded",
  create: ({ N, M }, { models }, form) =>
    massCascade({ models, small: N!, large: M, greedyFirst: form.endsWith("g") }),
};
