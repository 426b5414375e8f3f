import { describe, expect, it } from "vitest";
import { FlatPath } from "./flat-path.ts";

describe("FlatPath", () => {
  it("flattens a whole circle to edges on it, closing where it began", () => {
    const path = new FlatPath();
    path.translate(10, 20);
    path.arc(0, 0, 5, 0, 2 * Math.PI);
    const edges = path.segments();
    expect(edges.length).toBeGreaterThanOrEqual(16);
    for (const [start] of edges) expect(Math.hypot(start.x - 10, start.y - 20)).toBeCloseTo(5, 9);
    expect(edges.at(-1)![1].x).toBeCloseTo(15, 9);
    expect(edges.at(-1)![1].y).toBeCloseTo(20, 9);
  });

  it("sweeps the short way round unless told counterclockwise", () => {
    const clockwise = new FlatPath();
    clockwise.arc(0, 0, 10, 0, Math.PI / 2);
    expect(clockwise.segments().every(([start]) => start.y >= -1e-9)).toBe(true);
    const counterclockwise = new FlatPath();
    counterclockwise.arc(0, 0, 10, 0, Math.PI / 2, true);
    expect(counterclockwise.segments().some(([start]) => start.y < -5)).toBe(true);
  });

  it("strokes an open path open and fills it closed", () => {
    const path = new FlatPath();
    path.moveTo(0, 0);
    path.lineTo(10, 0);
    path.lineTo(10, 10);
    expect(path.segments()).toHaveLength(2);
    expect(path.outline()).toHaveLength(3);
    path.closePath();
    expect(path.segments()).toHaveLength(3);
  });

  it("ends a curve at its end point, and puts points where the saved transform says", () => {
    const path = new FlatPath();
    path.save();
    path.translate(100, 0);
    path.rotate(Math.PI / 2);
    path.moveTo(10, 0);
    path.restore();
    path.bezierCurveTo(20, 20, 30, 20, 40, 0);
    const edges = path.segments();
    expect(edges[0]![0].x).toBeCloseTo(100, 9);
    expect(edges[0]![0].y).toBeCloseTo(10, 9);
    expect(edges.at(-1)![1]).toEqual({ x: 40, y: 0 });
  });
});
