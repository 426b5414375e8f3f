// The argument schemas live with the blocks, which check them too (`sampleCandidates`); the functions
// that start a run take them from here.
export { problemArgument, strategyContextArgument } from "../generation/index.ts";
