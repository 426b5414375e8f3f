import { describe, expect, it } from "vitest";
import { removesMore, type TailCut, tailPosition } from "./tail-cuts.ts";

const distribution = [
  { token: "a", logprob: Math.log(0.6) },
  { token: "b", logprob: Math.log(0.3) },
  { token: "c", logprob: Math.log(0.08) },
  { token: "d", logprob: Math.log(0.02) },
];
const cuts: TailCut[] = [
  { kind: "min-p", value: 0.05 }, // 0.05 · 0.6 = 0.03: removes d
  { kind: "min-p", value: 0.2 }, // 0.12: removes c and d
  { kind: "top-k", value: 2 }, // removes c and d
  { kind: "top-k", value: 1 }, // removes b, c, d
];

describe("tailPosition", () => {
  it("measures the mass each cut removes and whether the token lies in it", () => {
    const place = tailPosition(distribution, "c", cuts);
    expect(place.tailMass[0]).toBeCloseTo(0.02, 12);
    expect(place.tailMass[1]).toBeCloseTo(0.1, 12);
    expect(place.tailMass[2]).toBeCloseTo(0.1, 12);
    expect(place.tailMass[3]).toBeCloseTo(0.4, 12);
    expect(place.inTail).toEqual([false, true, true, true]);
    expect(place.rank).toBe(3);
    expect(place.relativeProbability).toBeCloseTo(0.08 / 0.6, 12);
  });

  it("tempers the distribution the mass is measured under, but cuts the raw one", () => {
    // At T = 2: weights √p, normalised; d's share is √0.02 / Σ√p.
    const total = [0.6, 0.3, 0.08, 0.02].reduce((sum, value) => sum + Math.sqrt(value), 0);
    const place = tailPosition(distribution, "a", cuts, 2);
    expect(place.tailMass[0]).toBeCloseTo(Math.sqrt(0.02) / total, 12);
    expect(place.inTail).toEqual([false, false, false, false]);
  });

  it("cuts top-p where the mass listed above a token reaches the value, keeping the token that crosses it", () => {
    const nucleus: TailCut[] = [
      { kind: "top-p", value: 0.85 }, // a + b = 0.9 ≥ 0.85 before c: removes c and d
      { kind: "top-p", value: 0.95 }, // a + b + c = 0.98 before d: removes d only
      { kind: "top-p", value: 0.5 }, // a = 0.6 before b: removes b, c and d
    ];
    const place = tailPosition(distribution, "c", nucleus);
    expect(place.tailMass[0]).toBeCloseTo(0.1, 12);
    expect(place.tailMass[1]).toBeCloseTo(0.02, 12);
    expect(place.tailMass[2]).toBeCloseTo(0.4, 12);
    expect(place.inTail).toEqual([true, false, true]);
    expect(tailPosition(distribution, "a", nucleus).inTail).toEqual([false, false, false]);
  });

  it("counts the mass a top-k list leaves out as tail, and a token outside it in the tail", () => {
    const place = tailPosition(distribution.slice(0, 2), "z", cuts);
    expect(place.tailMass[0]).toBeCloseTo(0.1, 12);
    expect(place.inTail).toEqual([true, true, true, true]);
    expect(place.rank).toBe(3);
  });
});

describe("removesMore", () => {
  it("orders cuts of one kind by what they remove, and never compares kinds", () => {
    expect(removesMore({ kind: "min-p", value: 0.1 }, { kind: "min-p", value: 0.05 })).toBe(true);
    expect(removesMore({ kind: "min-p", value: 0.05 }, { kind: "min-p", value: 0.1 })).toBe(false);
    expect(removesMore({ kind: "top-k", value: 5 }, { kind: "top-k", value: 10 })).toBe(true);
    expect(removesMore({ kind: "top-p", value: 0.8 }, { kind: "top-p", value: 0.9 })).toBe(true);
    expect(removesMore({ kind: "top-p", value: 0.9 }, { kind: "top-p", value: 0.9 })).toBe(false);
    expect(removesMore({ kind: "top-k", value: 1 }, { kind: "min-p", value: 0.01 })).toBe(false);
  });
});
