import type { Rng } from "../../spec/index.ts";
import { pythonRandom } from "./python-random.ts";

/**
 * How `--shuffles` draws k samples at random: `mull` with the replay's own seeded generator, `python`
 * as a Python evaluation does with `random.Random(seed + s).shuffle` for draw s.
 */
export const replayShuffles = ["mull", "python"] as const;

/** One of `replayShuffles`. */
export type ReplayShuffle = (typeof replayShuffles)[number];

/** Where the draws of `replayShuffleOrders` come from. */
export interface ReplayShuffleSource {
  readonly shuffle: ReplayShuffle;
  /** The generator `mull` shuffles draw from, one after another. */
  readonly rng: Rng;
  /** The seed of `python`'s first draw; draw s seeds `random.Random(seed + s)`. */
  readonly seed: number;
}

function shuffledIndices(length: number, rng: Rng): number[] {
  const indices = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index -= 1) {
    const other = Math.floor(rng.next() * (index + 1));
    [indices[index], indices[other]] = [indices[other]!, indices[index]!];
  }
  return indices;
}

/**
 * The orders in which `shuffles` random draws take each problem's samples: `orders[s][p]` is a
 * permutation of problem p's sample indices. `mull` draws every shuffle from `rng`. `python` reproduces
 * the protocol of Python evaluations: draw s makes one `random.Random(seed + s)` and shuffles each
 * problem's samples with it, problem after problem in file order, so seed 0 and 20 shuffles are
 * `random.Random(0)` … `random.Random(19)`.
 *
 * @example
 * const orders = replayShuffleOrders([128, 128], 20, { shuffle: "python", rng: seededRng(0), seed: 0 });
 * orders[0]?.[0]?.slice(0, 64); // the first 64 samples `random.Random(0).shuffle` puts first
 */
export function replayShuffleOrders(
  sampleCounts: readonly number[],
  shuffles: number,
  source: ReplayShuffleSource,
): number[][][] {
  return Array.from({ length: shuffles }, (_, draw) => {
    if (source.shuffle === "mull") return sampleCounts.map((count) => shuffledIndices(count, source.rng));
    const rng = pythonRandom(source.seed + draw);
    return sampleCounts.map((count) => {
      const order = Array.from({ length: count }, (_, index) => index);
      rng.shuffle(order);
      return order;
    });
  });
}
