import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import { paretoFront } from "./pareto-front.ts";

interface Point {
  readonly name: string;
  readonly tokens: number;
  readonly accuracy: number;
}

const front = (points: readonly Point[]) =>
  paretoFront(
    points,
    (point) => point.tokens,
    (point) => point.accuracy,
  ).map((point) => point.name);

describe("paretoFront", () => {
  it("keeps the points no other point beats on both tokens and accuracy, sorted by tokens", () => {
    const points: Point[] = [
      { name: "sc@8", tokens: 800, accuracy: 0.7 },
      { name: "greedy", tokens: 100, accuracy: 0.5 },
      { name: "bon@8", tokens: 900, accuracy: 0.65 },
      { name: "sc@4", tokens: 400, accuracy: 0.66 },
      { name: "beam", tokens: 400, accuracy: 0.6 },
    ];
    expect(front(points)).toEqual(["greedy", "sc@4", "sc@8"]);
  });

  it("keeps equal points and drops non-finite ones", () => {
    expect(
      front([
        { name: "a", tokens: 1, accuracy: 0.5 },
        { name: "b", tokens: 1, accuracy: 0.5 },
        { name: "c", tokens: Number.NaN, accuracy: 0.9 },
      ]),
    ).toEqual(["a", "b"]);
  });

  it("agrees with the definition on random points: front members are undominated, others dominated", () => {
    const rng = seededRng(8);
    const points = Array.from({ length: 40 }, (_, index) => ({
      name: String(index),
      tokens: Math.round(rng.next() * 20),
      accuracy: Math.round(rng.next() * 10) / 10,
    }));
    const members = new Set(front(points));
    const dominated = (point: Point) =>
      points.some(
        (other) =>
          other.tokens <= point.tokens &&
          other.accuracy >= point.accuracy &&
          (other.tokens < point.tokens || other.accuracy > point.accuracy),
      );
    for (const point of points) expect(members.has(point.name)).toBe(!dominated(point));
    const ordered = paretoFront(
      points,
      (point) => point.tokens,
      (point) => point.accuracy,
    );
    for (let index = 1; index < ordered.length; index += 1) {
      expect(ordered[index]!.tokens).toBeGreaterThanOrEqual(ordered[index - 1]!.tokens);
      expect(ordered[index]!.accuracy).toBeGreaterThanOrEqual(ordered[index - 1]!.accuracy);
    }
  });
});
