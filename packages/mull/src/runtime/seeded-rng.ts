import type { Rng } from "../spec/index.ts";
import { checkInteger } from "./check-number.ts";

/** splitmix32: spreads a 32-bit seed into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A small, fast, seeded generator (sfc32, seeded through splitmix32). Written here rather than taken from
 * a package because it is a dozen lines and the whole engine's reproducibility rests on its exact output.
 *
 * @throws ConfigError `seededRng: seed must be an integer, got 1.5`.
 * @example
 * const rng = seededRng(42);
 * const coin = rng.next() < 0.5;
 */
export function seededRng(seed: number): Rng {
  const mix = splitmix32(checkInteger("seededRng", "seed", seed));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: sfc32 mixes its state over the first few steps.
  for (let index = 0; index < 12; index += 1) nextUint32();
  const rng: Rng = {
    next: () => nextUint32() / 4294967296,
    nextSeed: () => nextUint32() >>> 1,
    fork: () => seededRng(nextUint32() >>> 1),
  };
  return rng;
}
