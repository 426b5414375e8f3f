import { z } from "zod";
import { windowUnanimous } from "../budget/index.ts";
import { checkInteger, parseOptions } from "../runtime/index.ts";
import type { SamplingStrategy, Strategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { checkedByFactory, samplingStrategyOption } from "./option-schemas.ts";
import { wrapperName } from "./run-helpers.ts";
import { selfConsistency } from "./self-consistency.ts";
import type { StrategyEntry } from "./strategy-entry.ts";
import { withEarlyStop } from "./with-early-stop.ts";

/** Options of `earlyStoppingConsistency`. */
export interface EarlyStoppingConsistencyOptions {
  /** Samples per window, from 1 to the inner strategy's sample count. */
  readonly window: number;
}

const earlyStoppingConsistencyOptions = z.strictObject({
  window: checkedByFactory,
} satisfies Record<keyof EarlyStoppingConsistencyOptions, unknown>);

/**
 * Early-stopping self-consistency (ESC, Li et al. 2024) around any sampling strategy: draws the inner
 * strategy's samples in windows of `window` and stops after the first window whose samples all have the
 * same answer (`windowUnanimous`), at most the inner strategy's sample count (the last window is smaller
 * when `window` does not divide it, and is not checked); the answer is the inner strategy's selection
 * over every window drawn. Named `esc@NwW` around `sc@N`, else `esc(<inner>)wW` (e.g. `esc(bon@16)w4`).
 *
 * @throws ConfigError for an `inner` that is not a sampling strategy, an unknown option, or a `window`
 * that is not an integer from 1 to the inner strategy's sample count.
 * @example
 * const strategy = earlyStoppingConsistency(selfConsistency({ n: 64 }), { window: 8 });
 * const result = await solve({ problem, strategy, backend });
 * console.log(result.candidates.length, result.stoppedBy); // e.g. 8 "condition:window-unanimous"
 */
export function earlyStoppingConsistency(
  inner: SamplingStrategy,
  options: EarlyStoppingConsistencyOptions,
): Strategy {
  const owner = "earlyStoppingConsistency";
  parseOptions(samplingStrategyOption, inner, owner, "inner");
  checkFactoryOptions(earlyStoppingConsistencyOptions, options, owner);
  const window = checkInteger(owner, "window", options.window, {
    minimum: 1,
    maximum: inner.samples,
  });
  const strategy = withEarlyStop(inner, { roundSize: window, stopWhen: [windowUnanimous(window)] });
  return {
    ...strategy,
    name: `${wrapperName("esc", inner)}w${window}`,
    parameters: { inner: inner.name, ...inner.parameters, window },
  };
}

/** `esc@NwW` in the strategy catalog. */
export const earlyStoppingConsistencyEntry: StrategyEntry = {
  forms: ["esc@NwW"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary:
    "self-consistency with early stopping (ESC): windows of W samples until one is unanimous, at most N",
  needs: [],
  replay: "recorded",
  counterpart: ({ N }) => `sc@${N}`,
  create: ({ N, W }) => earlyStoppingConsistency(selfConsistency({ n: N! }), { window: W! }),
};
