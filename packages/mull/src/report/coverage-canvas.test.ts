import { describe, expect, it } from "vitest";
import { CoverageCanvas } from "./coverage-canvas.ts";

/** Whether the pixel at column `x`, row `y` of the canvas is drawn on (its alpha is not 0). */
function drawn(canvas: CoverageCanvas, x: number, y: number): boolean {
  const context = canvas.getContext("2d")!;
  return context.getImageData(0, 0, canvas.width, canvas.height).data[(y * canvas.width + x) * 4 + 3] !== 0;
}

describe("CoverageCanvas", () => {
  it("covers a filled circle and the pixels its edge touches, nothing beyond", () => {
    const canvas = new CoverageCanvas(40, 40);
    const context = canvas.getContext("2d")!;
    context.beginPath();
    context.arc(20, 20, 5, 0, 2 * Math.PI);
    context.fill();
    expect(drawn(canvas, 20, 20)).toBe(true);
    expect(drawn(canvas, 24, 20)).toBe(true);
    expect(drawn(canvas, 20, 15)).toBe(true);
    expect(drawn(canvas, 27, 20)).toBe(false);
    expect(drawn(canvas, 24, 24)).toBe(false);
    expect(drawn(canvas, 0, 0)).toBe(false);
  });

  it("covers a stroke to half its width on each side, and a ring only at its ring", () => {
    const canvas = new CoverageCanvas(60, 60);
    const context = canvas.getContext("2d")!;
    context.lineWidth = 3;
    context.beginPath();
    context.moveTo(10, 10);
    context.lineTo(50, 10);
    context.stroke();
    expect([8, 9, 10, 11].map((y) => drawn(canvas, 30, y))).toEqual([true, true, true, true]);
    expect(drawn(canvas, 30, 13)).toBe(false);
    expect(drawn(canvas, 53, 10)).toBe(false);
    context.lineWidth = 1;
    context.beginPath();
    context.arc(30, 40, 8, 0, 2 * Math.PI);
    context.stroke();
    expect(drawn(canvas, 38, 40)).toBe(true);
    expect(drawn(canvas, 30, 40)).toBe(false);
  });

  it("draws nothing in a transparent colour or at no opacity", () => {
    const canvas = new CoverageCanvas(20, 20);
    const context = canvas.getContext("2d")!;
    for (const style of ["transparent", "none", "rgba(0, 0, 0, 0)"]) {
      context.fillStyle = style;
      context.fillRect(0, 0, 20, 20);
    }
    context.fillStyle = "#4c78a8";
    context.globalAlpha = 0;
    context.fillRect(0, 0, 20, 20);
    expect(drawn(canvas, 10, 10)).toBe(false);
    context.globalAlpha = 0.3;
    context.fillStyle = "rgba(0, 0, 0, 0.5)";
    context.fillRect(0, 0, 5, 5);
    expect(drawn(canvas, 2, 2)).toBe(true);
  });

  it("draws paths where the transform puts them, and restores the transform it saved", () => {
    const canvas = new CoverageCanvas(50, 50);
    const context = canvas.getContext("2d")!;
    context.save();
    context.translate(30, 20);
    context.rotate(Math.PI / 2);
    // Rotated a quarter turn, a rectangle along x is drawn along y.
    context.fillRect(0, -1, 10, 2);
    context.restore();
    context.fillRect(0, 0, 3, 3);
    expect(drawn(canvas, 30, 25)).toBe(true);
    expect(drawn(canvas, 35, 20)).toBe(false);
    expect(drawn(canvas, 1, 1)).toBe(true);
    expect(drawn(canvas, 31, 21)).toBe(true);
  });

  it("offers only a 2D context", () => {
    expect(new CoverageCanvas().getContext("webgl")).toBeNull();
  });
});
