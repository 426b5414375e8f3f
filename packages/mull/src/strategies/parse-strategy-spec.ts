import { ConfigError } from "../errors/index.ts";
import type { OutcomeScorer, ProcessRewardModel, Strategy } from "../spec/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { findStrategyEntry, largestSpecValue, strategySpecForms } from "./find-strategy-entry.ts";
import type { StrategyDependencies } from "./strategy-entry.ts";

/** Options of `parseStrategySpec`. */
export interface ParseStrategySpecOptions {
  /** The outcome scorer for strategies that need one (`wv@N`, `bon@N`). */
  readonly scorer?: OutcomeScorer | undefined;
  /** The process reward model of step-level searches (`pf@N`, `beam@NxM`, `astar@K`, …). */
  readonly prm?: ProcessRewardModel | undefined;
}

const searchForms = strategyCatalog
  .filter((entry) => entry.kind === "search")
  .flatMap((entry) => entry.forms);

/**
 * A strategy from its spec, as the strategy catalog (`strategyCatalog`) declares them: `greedy`,
 * `single`, `sc@N` / `maj@N`, `rs@N`, `wv@N`, `wv-prob@N`, `wv-mean-prob@N`, `bon@N`, and the step-level
 * searches guided by `prm` (`pf@16`, `beam@16x4`, `beam-la1@16x4`, `dvts@16x4`, `astar@8`, `mcts@32`, …).
 * Case and surrounding spaces are ignored.
 *
 * @throws ConfigError naming the spec and listing the forms when it is not one of them, when a strategy
 * that needs a scorer is given without one, or a search without a process reward model.
 * @example
 * const strategy = parseStrategySpec("bon@8", { scorer: checker });
 */
export function parseStrategySpec(text: string, options: ParseStrategySpecOptions = {}): Strategy {
  const match = findStrategyEntry(text);
  if (match?.values === undefined) {
    if (match?.entry.kind === "search") {
      throw new ConfigError(
        `strategy: malformed search spec ${JSON.stringify(text)}; expected ${searchForms.join(", ")} ` +
          `(numbers from 1 to ${largestSpecValue})`,
        { field: "strategy" },
      );
    }
    throw new ConfigError(
      `strategy: unknown spec ${JSON.stringify(text)}; expected one of ${strategySpecForms.join(", ")} ` +
        `(numbers from 1 to ${largestSpecValue})`,
      { field: "strategy" },
    );
  }
  const { entry, values } = match;
  if (entry.needs.includes("prm") && options.prm === undefined) {
    throw new ConfigError(
      `strategy: ${JSON.stringify(text)} is a step-level search and needs a process reward model (--prm exact | noisy:FP,FN | self | judge | URL)`,
      { field: "prm" },
    );
  }
  if (entry.needs.includes("scorer") && options.scorer === undefined) {
    throw new ConfigError(
      `strategy: ${JSON.stringify(text)} needs an outcome scorer (a checker, a judge or a reward model); pass scorer`,
      { field: "scorer" },
    );
  }
  // Entries receive only what their `needs` declare, which was checked just above.
  return entry.create(values, options as StrategyDependencies);
}
