export { type ArchitectureOptions, architecture } from "./architecture.ts";
export { architectureEntry } from "./architecture-entry.ts";
export { type ArchitectureLayer, answeringLayerKinds } from "./architecture-layer.ts";
export { critiquePrompt, type FusedCandidate, fusionPrompt } from "./fusion-prompt.ts";
export {
  architectureLayerForms,
  defaultLayerThreshold,
  formatArchitecture,
  isArchitectureSpec,
  parseArchitecture,
} from "./parse-architecture.ts";
