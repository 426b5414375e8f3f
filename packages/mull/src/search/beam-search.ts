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

/** Options of `beamSearch`. */
export interface BeamSearchOptions extends SearchOptions {
  /** Beams: candidate steps sampled at each step (N). */
  readonly n: number;
  /** Beam width: next steps sampled per kept beam (M); N/M beams are kept. */
  readonly width: number;
  /** Greedy steps rolled out to value each candidate before choosing (0 or 1 in Snell et al.); default 0. */
  readonly lookahead?: number | undefined;
}

const beamSearchOptions = z.strictObject({
  n: checkedByFactory,
  width: checkedByFactory,
  lookahead: checkedByFactory,
  ...searchOptionFields,
} satisfies Record<keyof BeamSearchOptions, unknown>);

/**
 * Step-level beam search with a process reward model (Snell et al. 2024): sample N first steps; then, at
 * every step, score the candidates, keep the N/M best incomplete ones (by their PRM value, `last` by
 * default, or by the value `lookahead` greedy steps ahead) and sample M next steps for each. Complete
 * solutions are set aside; the answer is the best of them (`select`, default `best`). The kept and
 * dropped beams of each step are `selection` events; when the budget runs out it returns the best so far.
 * Its worst case (`worstCaseTokens`, `judgedSteps`; see `searchWorstCase`) is ⌊N/M⌋ × M × `maxSteps` × (1 +
 * `lookahead`) step calls.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, a missing `prm`, a count out of
 * range, or a shared search option out of range (see `checkSearchOptions`).
 * @example
 * const strategy = beamSearch({ n: 16, width: 4, prm: labProcessReward() }); // beam@16x4
 */
export function beamSearch(options: BeamSearchOptions): Strategy {
  checkSearchOptions(beamSearchOptions, options, "beamSearch");
  const { n } = options;
  const lookahead = options.lookahead ?? 0;
  checkInteger("beamSearch", "n", n, { minimum: 1 });
  checkInteger("beamSearch", "width", options.width, { minimum: 1 });
  // More children per beam than beams would overshoot N.
  const width = Math.min(options.width, n);
  checkInteger("beamSearch", "lookahead", lookahead, { minimum: 0 });
  const keep = Math.max(1, Math.floor(n / width));
  return {
    name: lookahead > 0 ? `beam-la${lookahead}@${n}x${width}` : `beam@${n}x${width}`,
    parameters: { n, width, keep, lookahead, ...searchParameters(options) },
    samples: n,
    // keep × width candidates at each depth, each valued `lookahead` greedy steps further.
    ...searchWorstCase("beamSearch", options, (maxSteps) => ({
      steps: keep * width * maxSteps * (1 + lookahead),
    })),
    async run(problem, context) {
      const run = createSearchRun(problem, context, options, { aggregation: "last", select: "best" });
      await runGroupedBeams(run, { groups: 1, keep, width, lookahead, method: `beam:top-${keep}` });
      return run.finish();
    },
  };
}

/** `beam@NxM` in the strategy catalog. */
export const beamSearchEntry: StrategyEntry = searchEntry(
  "beam@NxM",
  "beam search: N partial solutions per step, the best N/M kept and each extended M ways",
  ({ N, M }, prm) => beamSearch({ n: N!, width: M!, prm }),
);

/** `beam-laL@NxM` in the strategy catalog. */
export const lookaheadBeamSearchEntry: StrategyEntry = searchEntry(
  "beam-laL@NxM",
  "beam search that scores each step after an L-step greedy look-ahead",
  ({ L, N, M }, prm) => beamSearch({ n: N!, width: M!, lookahead: L!, prm }),
);
