import { z } from "zod";
import { type AdaptivePosterior, adaptiveConsistencyReached, adaptivePosteriors } from "../budget/index.ts";
import { checkNumber, checkOneOf, parseOptions } from "../runtime/index.ts";
import type { SamplingStrategy, Strategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { checkedByFactory, samplingStrategyOption } from "./option-schemas.ts";
import { wrapperName } from "./run-helpers.ts";
import { selfConsistency } from "./self-consistency.ts";
import type { StrategyEntry } from "./strategy-entry.ts";
import { withEarlyStop } from "./with-early-stop.ts";

/** Options of `adaptiveConsistency`. */
export interface AdaptiveConsistencyOptions {
  /**
   * Posterior probability that the leading answer beats the runner-up at which sampling stops, above 0
   * and at most 1; default 0.95. At 1 it never stops early and equals the inner strategy.
   */
  readonly threshold?: number | undefined;
  /**
   * The posterior the threshold applies to: `beta` (default), the leader against the runner-up;
   * `dirichlet`, the leader's share against every answer seen (`adaptiveConsistencyReached`), which waits
   * longer when the other votes are split among several answers. Names end in `d` with `dirichlet`.
   */
  readonly posterior?: AdaptivePosterior | undefined;
}

const adaptiveConsistencyOptions = z.strictObject({
  threshold: checkedByFactory,
  posterior: checkedByFactory,
} satisfies Record<keyof AdaptiveConsistencyOptions, unknown>);

/** The threshold `adaptiveConsistency` stops at when none is given, left out of its name. */
export const defaultAdaptiveThreshold = 0.95;

/**
 * Adaptive-Consistency (Aggarwal et al. 2023) around any sampling strategy: draws the inner strategy's
 * samples one at a time and stops once the Beta posterior probability that the leading answer beats the
 * runner-up reaches `threshold` (`adaptiveConsistencyReached`), at most the inner strategy's sample
 * count; the answer is the inner strategy's selection over what was drawn. A unanimous run stops after
 * four samples at the default 0.95. With `posterior: "dirichlet"` the probability is that the leader's
 * share is the largest under a Dirichlet posterior over every answer seen. Named `asc@N` around `sc@N` at
 * the default threshold, else `asc(<inner>)` (e.g. `asc(bon@8)`), then `d` for the Dirichlet posterior,
 * then `t<threshold>` when the threshold is not 0.95 (`asc@16t0.99`, `asc@16dt0.99`).
 *
 * @throws ConfigError for an `inner` that is not a sampling strategy, an unknown option, a `threshold`
 * not above 0 and at most 1, or a `posterior` other than `beta` or `dirichlet`.
 * @example
 * const strategy = adaptiveConsistency(selfConsistency({ n: 40 }), { threshold: 0.95 });
 * const result = await solve({ problem, strategy, backend });
 * console.log(result.candidates.length, result.stoppedBy); // e.g. 5 "condition:adaptive-consistency"
 */
export function adaptiveConsistency(
  inner: SamplingStrategy,
  options: AdaptiveConsistencyOptions = {},
): Strategy {
  const owner = "adaptiveConsistency";
  parseOptions(samplingStrategyOption, inner, owner, "inner");
  checkFactoryOptions(adaptiveConsistencyOptions, options, owner);
  const threshold = checkNumber(owner, "threshold", options.threshold ?? defaultAdaptiveThreshold, {
    exclusiveMinimum: 0,
    maximum: 1,
  });
  const posterior = checkOneOf(owner, "posterior", options.posterior ?? "beta", adaptivePosteriors);
  const strategy = withEarlyStop(inner, {
    roundSize: 1,
    stopWhen: [adaptiveConsistencyReached(threshold, posterior)],
  });
  const suffix = `${posterior === "dirichlet" ? "d" : ""}${threshold === defaultAdaptiveThreshold ? "" : `t${threshold}`}`;
  return {
    ...strategy,
    name: `${wrapperName("asc", inner)}${suffix}`,
    parameters: {
      inner: inner.name,
      ...inner.parameters,
      threshold,
      ...(posterior === "dirichlet" ? { posterior } : {}),
    },
  };
}

/** `asc@N`, `asc@Nd`, `asc@NtT` and `asc@NdtT` in the strategy catalog. */
export const adaptiveConsistencyEntry: StrategyEntry = {
  forms: ["asc@N", "asc@Nd", "asc@NtT", "asc@NdtT"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary:
    "self-consistency with Adaptive-Consistency: a sample at a time until P(leader wins) ≥ T (0.95; Beta, d: Dirichlet over every answer seen), at most N",
  needs: [],
  replay: "recorded",
  decimals: ["T"],
  ceilings: { T: 1 },
  counterpart: ({ N }) => `sc@${N}`,
  create: ({ N, T }, _dependencies, form) =>
    adaptiveConsistency(selfConsistency({ n: N! }), {
      ...(form?.startsWith("asc@Nd") === true ? { posterior: "dirichlet" } : {}),
      ...(T === undefined ? {} : { threshold: T }),
    }),
};
