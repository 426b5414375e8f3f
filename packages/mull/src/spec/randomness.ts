/** A seeded source of randomness, passed in so every run is reproducible. */
export interface Rng {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer seed in [0, 2^31), for a backend's own sampler. */
  nextSeed(): number;
  /** An independent generator derived from this one (for parallel branches). */
  fork(): Rng;
}

/** A source of time, passed in so tests control it. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
}
