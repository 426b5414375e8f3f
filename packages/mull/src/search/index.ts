export { type AStarDecodingOptions, aStarDecoding, aStarDecodingEntry } from "./a-star-decoding.ts";
export {
  type BeamSearchOptions,
  beamSearch,
  beamSearchEntry,
  lookaheadBeamSearchEntry,
} from "./beam-search.ts";
export {
  type DiverseVerifierTreeSearchOptions,
  diverseVerifierTreeSearch,
  diverseVerifierTreeSearchEntry,
} from "./diverse-verifier-tree-search.ts";
export {
  type MonteCarloTreeSearchOptions,
  monteCarloTreeSearch,
  monteCarloTreeSearchEntry,
  rolloutTreeSearchEntry,
} from "./monte-carlo-tree-search.ts";
export {
  type ParticleFilterOptions,
  particleFilter,
  particleFilterEntry,
  systematicParticleFilterEntry,
} from "./particle-filter.ts";
export { type ParticleGibbsOptions, particleGibbs, particleGibbsEntry } from "./particle-gibbs.ts";
export type { ExpandRequest, SearchNode } from "./search-node.ts";
export type { FinalSelection, SearchOptions } from "./search-options.ts";
export { createSearchRun, type SearchChoice, type SearchRun } from "./search-run.ts";
export {
  defaultMaxSteps,
  resolveSearchSettings,
  type SearchDefaults,
  type SearchSettings,
  searchParameters,
} from "./search-settings.ts";
export {
  type TreeOfThoughtsBfsOptions,
  treeOfThoughtsBfs,
  treeOfThoughtsBfsEntry,
} from "./tree-of-thoughts-bfs.ts";
export {
  type TreeOfThoughtsDfsOptions,
  treeOfThoughtsDfs,
  treeOfThoughtsDfsEntry,
} from "./tree-of-thoughts-dfs.ts";
