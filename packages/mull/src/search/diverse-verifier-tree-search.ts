import { z } from "zod";
import { checkInteger } from "../runtime/index.ts";
import type { Strategy } from "../spec/index.ts";
import { checkedByFactory } from "../strategies/option-schemas.ts";
import type { StrategyEntry } from "../strategies/strategy-entry.ts";
import { runGroupedBeams } from "./grouped-beams.ts";
import { searchEntry } from "./search-entry.ts";
import { checkSearchOptions, searchOptionFields } from "./search-option-fields.ts";
import type { SearchOptions } from "./search-options.ts";
import { createSearchRun } from "./search-run.ts";
import { searchParameters } from "./search-settings.ts";
import { searchWorstCase } from "./search-worst-case.ts";

/** Options of `diverseVerifierTreeSearch`. */
export interface DiverseVerifierTreeSearchOptions extends SearchOptions {
  /** Candidate steps sampled at each step over all subtrees (N). */
  readonly n: number;
  /** Next steps sampled per subtree at each step (M); there are N/M subtrees. */
  readonly width: number;
  /** Greedy steps rolled out to value each candidate; default 0. */
  readonly lookahead?: number | undefined;
}

const diverseVerifierTreeSearchOptions = z.strictObject({
  n: checkedByFactory,
  width: checkedByFactory,
  lookahead: checkedByFactory,
  ...searchOptionFields,
} satisfies Record<keyof DiverseVerifierTreeSearchOptions, unknown>);

/**
 * Diverse verifier tree search, DVTS (Snell et al. 2024; Beeching et al.): the N beams are split into N/M
 * independent subtrees, each searched greedily with respect to the PRM — keep the single best incomplete
 * candidate, sample M next steps from it — so that no one early favourite takes over every beam. The
 * answer is the best complete solution over all subtrees (`select`, default `best`).
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is ⌊N/M⌋ × M × `maxSteps` × (1 +
 * `lookahead`) step calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = diverseVerifierTreeSearch({ n: 16, width: 4, prm }); // dvts@16x4
 */
export function diverseVerifierTreeSearch(options: DiverseVerifierTreeSearchOptions): Strategy {
  checkSearchOptions(diverseVerifierTreeSearchOptions, options, "diverseVerifierTreeSearch");
  const { n } = options;
  const lookahead = options.lookahead ?? 0;
  checkInteger("diverseVerifierTreeSearch", "n", n, { minimum: 1 });
  checkInteger("diverseVerifierTreeSearch", "width", options.width, { minimum: 1 });
  const width = Math.min(options.width, n);
  checkInteger("diverseVerifierTreeSearch", "lookahead", lookahead, { minimum: 0 });
  const groups = Math.max(1, Math.floor(n / width));
  return {
    name: lookahead > 0 ? `dvts-la${lookahead}@${n}x${width}` : `dvts@${n}x${width}`,
    parameters: { n, width, subtrees: groups, lookahead, ...searchParameters(options) },
    samples: n,
    // One beam per subtree, each with width candidates at each depth, valued `lookahead` steps further.
    ...searchWorstCase("diverseVerifierTreeSearch", options, (maxSteps) => ({
      steps: groups * width * maxSteps * (1 + lookahead),
    })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "last", select: "best" });
      await runGroupedBeams(run, { groups, keep: 1, width, lookahead, method: "dvts:best-per-subtree" });
      return run.finish();
    },
  };
}

/** `dvts@NxM` in the strategy catalog. */
export const diverseVerifierTreeSearchEntry: StrategyEntry = searchEntry(
  "dvts@NxM",
  "diverse verifier tree search: N/M independent subtrees of width M",
  ({ N, M }, prm) => diverseVerifierTreeSearch({ n: N!, width: M!, prm }),
);
