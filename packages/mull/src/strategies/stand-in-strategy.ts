import type { Strategy } from "../spec/index.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import {
  isStandInUse,
  standInBackend,
  standInProcessReward,
  standInRoute,
  standInScorer,
} from "./stand-in-dependencies.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `standInStrategy`. */
export interface StandInStrategyOptions {
  /** The entries the spec is read by, as `parseStrategySpec` takes them; default `strategyCatalog`. */
  readonly catalog?: readonly StrategyEntry[] | undefined;
}

/**
 * The strategy a spec names, built from the spec alone, before any backend, scorer or model is loaded:
 * with stand-ins for its scorer, process reward model and models, which factories only hold until the
 * strategy runs. Everything `parseStrategySpec` checks of the spec is checked, with its messages: its
 * form, each number's range, what its factory refuses, and the number of models its route names (a
 * routing spec without a route is built on two, as every default route has). What it needs is not:
 * the stand-ins stand for whatever the surface gives later.
 *
 * Returns `undefined` for a spec whose factory calls a dependency while building: only its real
 * dependencies can then build it.
 *
 * @throws ConfigError as `parseStrategySpec` refuses the spec (field `strategy`).
 * @example
 * standInStrategy("cascade@8x16:lab-small>lab-large")?.samples; // 16
 * standInStrategy("bild@0.5:a>b>c"); // throws: strategy: "bild@0.5:a>b>c": bigLittleDecoder: models must be exactly two, …
 */
export function standInStrategy(spec: string, options: StandInStrategyOptions = {}): Strategy | undefined {
  try {
    return parseStrategySpec(spec, {
      ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
      scorer: standInScorer,
      prm: standInProcessReward,
      resolveModel: () => standInBackend,
      defaultRoute: standInRoute,
    });
  } catch (error) {
    if (isStandInUse(error)) return undefined;
    throw error;
  }
}
