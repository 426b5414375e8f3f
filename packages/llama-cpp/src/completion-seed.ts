/** Mixes 32 bits (the splitmix32 finaliser). */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The sampler seed of completion `index` of a request seeded with `seed`. Completion 0 uses the request's seed
 * itself (so `n: 1` and the first of `n: 8` agree); the others get well-mixed seeds, so that requests seeded
 * 1, 2, 3, ... do not share completions.
 *
 * @example
 * completionSeed(42, 0); // 42
 */
export function completionSeed(seed: number, index: number): number {
  const base = (((seed % 4294967296) + 4294967296) % 4294967296) >>> 0;
  if (index === 0) return base;
  return mix32(base ^ mix32(index));
}
