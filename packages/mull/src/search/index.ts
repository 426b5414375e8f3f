export { type AStarDecodingOptions, aStarDecoding } from "./a-star-decoding.ts";
export { type BeamSearchOptions, beamSearch } from "./beam-search.ts";
export {
  type DiverseVerifierTreeSearchOptions,
  diverseVerifierTreeSearch,
} from "./diverse-verifier-tree-search.ts";
export { type MonteCarloTreeSearchOptions, monteCarloTreeSearch } from "./monte-carlo-tree-search.ts";
export { type ParticleFilterOptions, particleFilter } from "./particle-filter.ts";
export { type ParticleGibbsOptions, particleGibbs } from "./particle-gibbs.ts";
export type { ExpandRequest, SearchNode } from "./search-node.ts";
export type { FinalSelection, SearchOptions } from "./search-options.ts";
export { createSearchRun, type SearchChoice, type SearchRun } from "./search-run.ts";
export {
  resolveSearchSettings,
  type SearchDefaults,
  type SearchSettings,
  searchParameters,
} from "./search-settings.ts";
export { type TreeOfThoughtsBfsOptions, treeOfThoughtsBfs } from "./tree-of-thoughts-bfs.ts";
export { type TreeOfThoughtsDfsOptions, treeOfThoughtsDfs } from "./tree-of-thoughts-dfs.ts";
