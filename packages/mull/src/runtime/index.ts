export { manualClock, systemClock } from "./clock.ts";
export { mapInParallel } from "./map-in-parallel.ts";
export { checkPlainFileName, refuseSymlinkedOutput, writeFileAtomically } from "./output-paths.ts";
export { seededRng } from "./seeded-rng.ts";
