export { manualClock, systemClock } from "./clock.ts";
export { seededRng } from "./seeded-rng.ts";
