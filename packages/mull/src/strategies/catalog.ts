import { architectureEntry } from "../composition/index.ts";
import { bigLittleDecoderEntry } from "../routing/big-little-decoder.ts";
import { cascadeEntry } from "../routing/cascade.ts";
import { glimpseRouterEntry } from "../routing/glimpse-router.ts";
import { massCascadeEntry } from "../routing/mass-cascade.ts";
import {
  aStarDecodingEntry,
  beamSearchEntry,
  diverseVerifierTreeSearchEntry,
  lookaheadBeamSearchEntry,
  monteCarloTreeSearchEntry,
  particleFilterEntry,
  particleGibbsEntry,
  rolloutTreeSearchEntry,
  systematicParticleFilterEntry,
  treeOfThoughtsBfsEntry,
  treeOfThoughtsDfsEntry,
} from "../search/index.ts";
import { adaptiveConsistencyEntry } from "./adaptive-consistency.ts";
import { adaptiveWrapperEntryOver } from "./adaptive-wrapper-entry.ts";
import { bestOfNEntry } from "./best-of-n.ts";
import { budgetForcingEntry, extendThinkingEntry } from "./budget-forcing.ts";
import { deepConfEntry } from "./deep-conf.ts";
import { deepConfOnlineEntry } from "./deep-conf-online.ts";
import { earlyStoppingConsistencyEntry } from "./early-stopping-consistency.ts";
import { liveProbingEntry } from "./live-probing.ts";
import { massConsistencyEntry } from "./mass-consistency.ts";
import { parallelAdaptiveConsistencyEntry } from "./parallel-adaptive-consistency.ts";
import { perplexityConsistencyEntry } from "./perplexity-consistency.ts";
import { repeatedSamplingEntry } from "./repeated-sampling.ts";
import { selfCertaintyEntry } from "./self-certainty.ts";
import { selfConsistencyEntry } from "./self-consistency.ts";
import { greedyEntry, singleEntry } from "./single-sample.ts";
import { stabilityVotingEntry } from "./stability-voting.ts";
import type { StrategyEntry } from "./strategy-entry.ts";
import { verifiedResamplingEntry } from "./verified-resampling.ts";
import {
  meanProbabilityVotingEntry,
  probabilityVotingEntry,
  weightedVotingEntry,
} from "./weighted-voting.ts";

/**
 * The adaptive wrappers `asc(INNER)…` and `esc(INNER)wW` of the catalog, around any spec whose entry
 * declares `drawsWholeSamples` (listed in the summary and refusals from `strategyCatalog`).
 */
export const adaptiveWrapperEntry: StrategyEntry = adaptiveWrapperEntryOver(() => strategyCatalog);

/**
 * Every strategy a spec can name, in the order help, errors and the README list them. Each entry is
 * declared beside its factory; adding a strategy to mull is its file plus one line here. An entry that
 * declares `drawsWholeSamples` can be wrapped (`asc(INNER)`, `esc(INNER)wW`) as it is listed. Every entry
 * says how `mull bench replay` stands to it (`replay`).
 *
 * The array is frozen, so pushing to it throws. A strategy of your own is named by a spec through the
 * `catalog` option of `parseStrategySpec`, `solve` and `findStrategyEntry` (`[...strategyCatalog,
 * myEntry]`), or passed as itself (`solve({ strategy: myStrategy, … })`).
 *
 * @example
 * await solve({ problem, backend, strategy: "two-agree@4", catalog: [...strategyCatalog, twoAgreeEntry] });
 */
export const strategyCatalog: readonly StrategyEntry[] = Object.freeze([
  greedyEntry,
  singleEntry,
  selfConsistencyEntry,
  repeatedSamplingEntry,
  adaptiveConsistencyEntry,
  earlyStoppingConsistencyEntry,
  adaptiveWrapperEntry,
  parallelAdaptiveConsistencyEntry,
  massConsistencyEntry,
  weightedVotingEntry,
  probabilityVotingEntry,
  meanProbabilityVotingEntry,
  perplexityConsistencyEntry,
  deepConfEntry,
  deepConfOnlineEntry,
  selfCertaintyEntry,
  stabilityVotingEntry,
  budgetForcingEntry,
  extendThinkingEntry,
  liveProbingEntry,
  bestOfNEntry,
  verifiedResamplingEntry,
  beamSearchEntry,
  lookaheadBeamSearchEntry,
  diverseVerifierTreeSearchEntry,
  particleFilterEntry,
  systematicParticleFilterEntry,
  particleGibbsEntry,
  aStarDecodingEntry,
  treeOfThoughtsBfsEntry,
  treeOfThoughtsDfsEntry,
  monteCarloTreeSearchEntry,
  rolloutTreeSearchEntry,
  cascadeEntry,
  massCascadeEntry,
  glimpseRouterEntry,
  bigLittleDecoderEntry,
  architectureEntry,
]);
