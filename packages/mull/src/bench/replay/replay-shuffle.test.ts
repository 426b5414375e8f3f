import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import type { Rng } from "../../spec/index.ts";
import { replayShuffleOrders } from "./replay-shuffle.ts";

describe("replayShuffleOrders", () => {
  it("python: draw s shuffles each problem in turn with one random.Random(seed + s)", () => {
    // python3 -c "import random
    // for s in (5, 6): r = random.Random(s); a = list(range(10)); r.shuffle(a); b = list(range(3)); r.shuffle(b); print(a, b)"
    const orders = replayShuffleOrders([10, 3], 2, { shuffle: "python", rng: seededRng(0), seed: 5 });
    expect(orders).toEqual([
      [
        [2, 3, 1, 0, 8, 7, 6, 5, 4, 9],
        [1, 0, 2],
      ],
      [
        [5, 8, 3, 4, 0, 2, 6, 7, 1, 9],
        [0, 1, 2],
      ],
    ]);
  });

  it("python ignores the generator; mull draws every shuffle from it", () => {
    const python = (rng: Rng) => replayShuffleOrders([6, 4], 3, { shuffle: "python", rng, seed: 0 });
    expect(python(seededRng(1))).toEqual(python(seededRng(2)));
    const mull = (seed: number) =>
      replayShuffleOrders([6, 4], 3, { shuffle: "mull", rng: seededRng(seed), seed: 0 });
    expect(mull(1)).toEqual(mull(1));
    expect(mull(1)).not.toEqual(mull(2));
    for (const order of mull(1).flat()) {
      expect([...order].sort((left, right) => left - right)).toEqual(order.map((_, index) => index));
    }
  });
});
