import { randomInt } from "node:crypto";
import { ConfigError } from "mull/errors";
import { describeValue } from "mull/runtime";

/**
 * The seed source for requests that carry none: the fixed number, the function's result (checked each call),
 * or a fresh random 32-bit seed when `seedFallback` is absent.
 *
 * @example
 * const nextSeed = createFallbackSeed(undefined);
 * const seed = request.seed ?? nextSeed();
 */
export function createFallbackSeed(seedFallback: number | (() => number) | undefined): () => number {
  if (typeof seedFallback === "number") return () => seedFallback;
  if (typeof seedFallback === "function") {
    return () => {
      const seed = seedFallback();
      if (!Number.isSafeInteger(seed)) {
        throw new ConfigError(`seedFallback() must return a safe integer, got ${describeValue(seed)}`, {
          field: "seedFallback",
        });
      }
      return seed;
    };
  }
  return () => randomInt(0, 2 ** 32);
}
