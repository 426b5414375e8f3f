export {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositive,
  type NumberBounds,
} from "./check-number.ts";
export { manualClock, systemClock } from "./clock.ts";
export { mapInParallel } from "./map-in-parallel.ts";
export { checkPlainFileName, refuseSymlinkedOutput, writeFileAtomically } from "./output-paths.ts";
export { issuePath, parseOptions } from "./parse-options.ts";
export { seededRng } from "./seeded-rng.ts";
