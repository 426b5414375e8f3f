import type { Strategy } from "../spec/index.ts";
import { selfConsistency } from "./self-consistency.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/**
 * A strategy as a user outside mull would write it: a vote over N samples under a name of its own, so a
 * test can tell that a spec reached it rather than `sc@N`.
 */
export function twoAgree(n: number): Strategy {
  const inner = selfConsistency({ n });
  return {
    name: `two-agree@${n}`,
    parameters: { n },
    samples: n,
    run: (problem, context) => inner.run(problem, context),
  };
}

/** `two-agree@N` as a catalog entry, for tests that pass `catalog: [...strategyCatalog, twoAgreeEntry]`. */
export const twoAgreeEntry: StrategyEntry = {
  forms: ["two-agree@N"],
  kind: "sampling",
  summary: "Votes over N samples, as a strategy of the user's own",
  needs: [],
  create: ({ N }) => twoAgree(N!),
};
